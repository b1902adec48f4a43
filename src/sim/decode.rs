//! The page's offline decoder: what a pasted certificate, JWT, bootstrap token (or the base64
//! of one, as kubeconfigs and Secrets hold them) says, and whom the API server would take it
//! for. Nothing is sent anywhere; nothing is verified here (the authentication stage does that).

use crate::sim::b64::STANDARD;
use crate::sim::ptr::Ptr as _;
use serde_json::Value;

use super::authn::{bootstrap, serviceaccount, x509};
use super::clock::{format_rfc3339, human_duration, Instant};

/// A human description of `text`, or why it is none of the known kinds.
pub fn describe(text: &str, now: Instant) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(
            "paste a PEM certificate, a JWT, a bootstrap token, or the base64 of one".into(),
        );
    }
    if text.contains("-----BEGIN CERTIFICATE-----") {
        return certificates(text, now);
    }
    if let Some((id, _)) = bootstrap::parse_token(text) {
        return Ok(format!(
            "Bootstrap token (id {id}).\nThe API server looks for Secret kube-system/bootstrap-token-{id}; if it matches,\nthe user is system:bootstrap:{id} in group system:bootstrappers (plus its auth-extra-groups).\n"
        ));
    }
    if let Some(decoded) = serviceaccount::decode(text) {
        return Ok(jwt(&decoded, now));
    }
    let compact: String = text.split_whitespace().collect();
    if let Ok(bytes) = STANDARD.decode(&compact) {
        if let Ok(inner) = String::from_utf8(bytes) {
            if inner.trim() != text && !inner.trim().is_empty() {
                if let Ok(d) = describe(&inner, now) {
                    return Ok(format!("base64 of:\n{d}"));
                }
            }
        }
    }
    Err("not a certificate, JWT or bootstrap token (nor the base64 of one)".into())
}

fn when(t: Instant, now: Instant) -> String {
    let rel = if t >= now {
        format!("in {}", human_duration(t - now))
    } else {
        format!("{} ago", human_duration(now - t))
    };
    format!("{} ({rel})", format_rfc3339(t))
}

fn certificates(text: &str, now: Instant) -> Result<String, String> {
    let certs = x509::parse_bundle(text)?;
    let mut out = String::new();
    for (i, cert) in certs.iter().enumerate() {
        let s = x509::summarize(cert);
        if certs.len() > 1 {
            out.push_str(&format!("Certificate {}:\n", i + 1));
        }
        out.push_str("X.509 certificate\n");
        out.push_str(&format!("  subject CN:  {}\n", s.common_name));
        out.push_str(&format!(
            "  subject O:   {}\n",
            if s.organizations.is_empty() {
                "<none>".to_string()
            } else {
                s.organizations.join(", ")
            }
        ));
        out.push_str(&format!("  issuer:      {}\n", s.issuer));
        out.push_str(&format!("  not before:  {}\n", when(s.not_before, now)));
        out.push_str(&format!("  not after:   {}\n", when(s.not_after, now)));
        let state = if now < s.not_before {
            "not yet valid"
        } else if now > s.not_after {
            "expired"
        } else {
            "valid now"
        };
        out.push_str(&format!("  status:      {state} (simulated clock)\n"));
        out.push_str(&format!(
            "  as a client certificate: user \"{}\", groups [{}] — if it chains to --client-ca-file\n",
            s.common_name,
            s.organizations.join(" ")
        ));
    }
    Ok(out)
}

fn jwt(d: &serviceaccount::Decoded, now: Instant) -> String {
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default();
    let mut out = String::from("JWT (signature not checked here)\nheader:\n");
    out.push_str(&pretty(&d.header));
    out.push_str("\nclaims:\n");
    out.push_str(&pretty(&d.claims));
    out.push('\n');
    let c = &d.claims;
    for (k, label) in [("iat", "issued"), ("nbf", "not before"), ("exp", "expires")] {
        if let Some(t) = c.get(k).and_then(Value::as_i64) {
            out.push_str(&format!("{label}: {}\n", when(t, now)));
        }
    }
    let iss = c.get("iss").and_then(Value::as_str).unwrap_or("");
    let sub = c.get("sub").and_then(Value::as_str).unwrap_or("");
    if iss == serviceaccount::LEGACY_ISSUER {
        out.push_str(&format!(
            "A legacy service-account token (from a Secret, never expires): it authenticates as {sub} while the Secret {} holds it.\n",
            c.get("kubernetes.io/serviceaccount/secret.name").and_then(Value::as_str).unwrap_or("?")
        ));
    } else if sub.starts_with("system:serviceaccount:") {
        let bound = c
            .ptr("/kubernetes.io/pod/name")
            .and_then(Value::as_str)
            .map(|p| format!(", bound to pod {p}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "A bound service-account token{bound}: it authenticates as {sub} if the issuer is --service-account-issuer, an audience is an API audience and it has not expired.\n"
        ));
    } else {
        out.push_str(&format!("Issuer {iss:?}: not a service-account token; an OIDC or webhook authenticator would have to accept it.\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::controlplane::KUBEADM_ADMIN_CRT;

    #[test]
    fn certificates_and_their_base64_are_described() {
        let now = crate::sim::clock::parse_rfc3339("2026-11-29T10:00:00Z").unwrap_or(0);
        let d = match describe(KUBEADM_ADMIN_CRT, now) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        assert!(d.contains("subject CN:  kubernetes-admin"), "{d}");
        assert!(d.contains("subject O:   kubeadm:cluster-admins"), "{d}");
        assert!(d.contains("valid now"), "{d}");
        let b64 = STANDARD.encode(KUBEADM_ADMIN_CRT);
        let d2 = match describe(&b64, now) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        assert!(d2.starts_with("base64 of:\nX.509 certificate"), "{d2}");
    }

    #[test]
    fn tokens_are_described_and_garbage_is_not() {
        let jwt_text = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Iiwic3ViIjoic3lzdGVtOnNlcnZpY2VhY2NvdW50OmJsdWU6cm9ib3QiLCJrdWJlcm5ldGVzLmlvL3NlcnZpY2VhY2NvdW50L3NlY3JldC5uYW1lIjoicm9ib3QtdG9rZW4ifQ.c2ln";
        let d = match describe(jwt_text, 0) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        assert!(d.contains("legacy service-account token"), "{d}");
        assert!(d.contains("robot-token"), "{d}");
        assert!(describe("abcdef.0123456789abcdef", 0)
            .is_ok_and(|d| d.contains("system:bootstrap:abcdef")));
        assert!(describe("hello world", 0).is_err());
        assert!(describe("", 0).is_err());
    }
}

#[cfg(test)]
mod hostile_tests {
    #[test]
    fn far_future_dates_and_short_pem_bodies_are_read_not_fatal() {
        let b64 = |s: &str| crate::sim::b64::URL_SAFE_NO_PAD.encode(s);
        let token = format!(
            "{}.{}.{}",
            b64(r#"{"alg":"RS256"}"#),
            b64(r#"{"iss":"x","exp":253402300800,"iat":1e300,"nbf":-5}"#),
            b64("sig")
        );
        let text = super::describe(&token, 1_795_946_400).unwrap_or_else(|e| e);
        assert!(text.contains("10000-01-01T00:00:00Z"), "{text}");
        let short = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        let err = super::describe(short, 0).unwrap_err();
        assert!(err.contains("certificate"), "{err}");
    }
}

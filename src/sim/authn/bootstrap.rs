//! Bootstrap tokens (`--enable-bootstrap-token-auth`): `<id>.<secret>` tokens kept in
//! `bootstrap-token-<id>` Secrets of kube-system, which kubeadm uses to let new nodes join.
//! Upstream: plugin/pkg/auth/authenticator/token/bootstrap/bootstrap.go — every failure is
//! "no opinion" (logged), never an error.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/bootstrap-tokens/>.

use crate::sim::b64::STANDARD;
use crate::sim::ptr::Ptr as _;
use serde_json::Value;

use super::UserInfo;
use crate::sim::clock::{parse_rfc3339, Instant};
use crate::sim::store::{is_deleting, Store};

/// The Secret type of bootstrap tokens.
pub const SECRET_TYPE: &str = "bootstrap.kubernetes.io/token";
/// The group every bootstrap token user is in.
pub const GROUP: &str = "system:bootstrappers";

/// `abcdef.0123456789abcdef` → (`abcdef`, `0123456789abcdef`).
pub fn parse_token(token: &str) -> Option<(&str, &str)> {
    let (id, secret) = token.split_once('.')?;
    let ok = |s: &str, n: usize| {
        s.len() == n
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    (ok(id, 6) && ok(secret, 16)).then_some((id, secret))
}

/// Checks a bearer token against the bootstrap-token Secrets: `Ok(user)`, or why it is not
/// one (no opinion).
pub fn authenticate(token: &str, now: Instant, store: &Store) -> Result<UserInfo, String> {
    let Some((id, secret)) = parse_token(token) else {
        return Err("not of the form <id>.<secret>".into());
    };
    let name = format!("bootstrap-token-{id}");
    let Some(obj) = store.get("", "secrets", "kube-system", &name) else {
        return Err(format!("no Secret kube-system/{name}"));
    };
    if is_deleting(obj) {
        return Err(format!("Secret {name} is deleted and awaiting removal"));
    }
    if obj.get("type").and_then(Value::as_str) != Some(SECRET_TYPE) {
        return Err(format!(
            "Secret {name} has invalid type, expected {SECRET_TYPE}."
        ));
    }
    let data = |k: &str| -> String {
        obj.ptr(&format!("/data/{k}"))
            .and_then(Value::as_str)
            .and_then(|b| STANDARD.decode(b).ok())
            .and_then(|b| String::from_utf8(b).ok())
            .or_else(|| {
                obj.ptr(&format!("/stringData/{k}"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .unwrap_or_default()
    };
    if data("token-secret") != secret {
        return Err(format!(
            "Secret {name} has invalid value for key token-secret."
        ));
    }
    if data("token-id") != id {
        return Err(format!("Secret {name} has invalid value for key token-id."));
    }
    let expiration = data("expiration");
    if !expiration.is_empty() {
        match parse_rfc3339(&expiration) {
            Some(t) if now >= t => return Err(format!("Secret {name} has expired ({expiration})")),
            Some(_) => {}
            None => return Err(format!("Secret {name} has an unparsable expiration")),
        }
    }
    if data("usage-bootstrap-authentication") != "true" {
        return Err(format!(
            "Secret {name} not marked usage-bootstrap-authentication=true."
        ));
    }
    let mut groups = vec![GROUP.to_string()];
    for g in data("auth-extra-groups")
        .split(',')
        .map(str::trim)
        .filter(|g| !g.is_empty())
    {
        if !g.starts_with("system:bootstrappers:") {
            return Err(format!(
                "Secret {name} has invalid value for key auth-extra-groups: group {g:?} does not start with \"system:bootstrappers:\""
            ));
        }
        if !groups.iter().any(|x| x == g) {
            groups.push(g.to_string());
        }
    }
    Ok(UserInfo {
        username: format!("system:bootstrap:{id}"),
        uid: String::new(),
        groups,
        extra: Default::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn store(extra: Value) -> Store {
        let mut s = Store::new(0, 1);
        let mut data = json!({
            "token-id": STANDARD.encode("abcdef"),
            "token-secret": STANDARD.encode("0123456789abcdef"),
            "usage-bootstrap-authentication": STANDARD.encode("true"),
            "auth-extra-groups": STANDARD.encode("system:bootstrappers:kubeadm:default-node-token"),
            "expiration": STANDARD.encode("1970-01-02T00:00:00Z"),
        });
        if let (Some(d), Some(e)) = (data.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                d.insert(k.clone(), v.clone());
            }
        }
        let secret = json!({"metadata": {"name": "bootstrap-token-abcdef", "namespace": "kube-system"},
            "type": SECRET_TYPE, "data": data});
        if s.create("", "secrets", secret, 0).is_err() {
            panic!("secret");
        }
        s
    }

    #[test]
    fn a_valid_token_is_a_bootstrap_user() {
        let u = authenticate("abcdef.0123456789abcdef", 100, &store(json!({})));
        let Ok(u) = u else { panic!("{u:?}") };
        assert_eq!(u.username, "system:bootstrap:abcdef");
        assert_eq!(
            u.groups,
            [
                "system:bootstrappers",
                "system:bootstrappers:kubeadm:default-node-token"
            ]
        );
    }

    #[test]
    fn wrong_secret_expiry_usage_and_form_are_rejected() {
        let s = store(json!({}));
        assert!(authenticate("abcdef.0123456789abcdee", 100, &s).is_err());
        assert!(authenticate("abcdef.0123456789abcdef", 86_400, &s).is_err());
        assert!(authenticate("ABCDEF.0123456789abcdef", 100, &s).is_err());
        let unused = store(json!({"usage-bootstrap-authentication": STANDARD.encode("false")}));
        assert!(authenticate("abcdef.0123456789abcdef", 100, &unused).is_err());
        let bad_group = store(json!({"auth-extra-groups": STANDARD.encode("admins")}));
        assert!(authenticate("abcdef.0123456789abcdef", 100, &bad_group).is_err());
        assert_eq!(
            parse_token("abcdef.0123456789abcdef"),
            Some(("abcdef", "0123456789abcdef"))
        );
        assert_eq!(parse_token("abcdef.0123"), None);
    }
}

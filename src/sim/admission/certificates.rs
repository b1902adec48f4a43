//! The certificate admission plugins (`plugin/pkg/admission/certificates`), all validating:
//! - **CertificateApproval**: approving or denying a CertificateSigningRequest
//!   (`…/approval`) needs the `approve` verb on the request's signer;
//! - **CertificateSigning**: issuing its certificate (`…/status`) needs `sign` on the signer;
//! - **CertificateSubjectRestriction**: no request for a `system:masters` client certificate
//!   from the kube-apiserver-client signer.
//!
//! See <https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization>.

use crate::sim::ptr::Ptr as _;
use serde_json::Value;

use super::{Attributes, Context, Verdict};
use crate::sim::authz::{self, Attributes as AuthzAttributes};
use crate::sim::trace::Decision;

const GROUP: &str = "certificates.k8s.io";
const RESOURCE: &str = "certificatesigningrequests";

fn signer(obj: Option<&Value>) -> &str {
    obj.and_then(|o| o.ptr("/spec/signerName"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// `IsAuthorizedForSignerName`: the verb on the signer by name, or on its domain (`example.com/*`).
fn authorized_for_signer(ctx: &Context<'_>, a: &Attributes<'_>, verb: &str, signer: &str) -> bool {
    let domain = signer.split_once('/').map(|(d, _)| format!("{d}/*"));
    std::iter::once(signer.to_string())
        .chain(domain)
        .any(|name| {
            let check = AuthzAttributes {
                user: a.user.clone(),
                verb: verb.into(),
                resource_request: true,
                api_group: GROUP.into(),
                api_version: "*".into(),
                resource: "signers".into(),
                name,
                ..Default::default()
            };
            authz::authorize(ctx.authz, ctx.store, &check, None).decision == Decision::Allow
        })
}

fn is_csr(a: &Attributes<'_>, subresource: &str) -> bool {
    a.group == GROUP && a.resource == RESOURCE && a.subresource == subresource
}

/// CertificateApproval's `Validate`.
pub fn approval(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if !is_csr(a, "approval") {
        return Verdict::Skip("only checks certificatesigningrequests/approval".into());
    }
    let signer = signer(a.object.as_ref());
    if !authorized_for_signer(ctx, a, "approve", signer) {
        return Verdict::Reject(a.forbidden(&format!(
            "user not permitted to approve requests with signerName \"{signer}\""
        )));
    }
    Verdict::Admit(
        format!(
            "{} may approve requests for signer {signer}",
            a.user.username
        )
        .into(),
    )
}

/// CertificateSigning's `Validate`.
pub fn signing(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if !is_csr(a, "status") {
        return Verdict::Skip("only checks certificatesigningrequests/status".into());
    }
    let certificate = |o: Option<&Value>| o.and_then(|o| o.ptr("/status/certificate")).cloned();
    if certificate(a.object.as_ref()) == certificate(a.old_object.as_ref()) {
        return Verdict::Skip("status.certificate does not change".into());
    }
    let signer = signer(a.old_object.as_ref());
    if !authorized_for_signer(ctx, a, "sign", signer) {
        return Verdict::Reject(a.forbidden(&format!(
            "user not permitted to sign requests with signerName \"{signer}\""
        )));
    }
    Verdict::Admit(format!("{} may sign requests for signer {signer}", a.user.username).into())
}

/// CertificateSubjectRestriction's `Validate`.
pub fn subject_restriction(_: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if !is_csr(a, "") {
        return Verdict::Skip("only checks CertificateSigningRequests".into());
    }
    let signer = signer(a.object.as_ref());
    if signer != crate::sim::controllers::CLIENT_SIGNER {
        return Verdict::Skip(
            format!(
                "only restricts the {} signer",
                crate::sim::controllers::CLIENT_SIGNER
            )
            .into(),
        );
    }
    let request = a
        .object
        .as_ref()
        .and_then(|o| o.ptr("/spec/request"))
        .and_then(Value::as_str)
        .and_then(|b| crate::sim::b64::STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    let parsed = match crate::sim::certs::parse_request(&request) {
        Ok(r) => r,
        Err(e) => return Verdict::Reject(a.forbidden(&format!("failed to parse CSR: {e}"))),
    };
    if parsed.organizations.iter().any(|o| o == "system:masters") {
        return Verdict::Reject(a.forbidden(&format!(
            "use of {signer} signer with system:masters group is not allowed"
        )));
    }
    Verdict::Admit(
        format!(
            "the request does not ask for the system:masters group (organizations: {})",
            if parsed.organizations.is_empty() {
                "none".to_string()
            } else {
                parsed.organizations.join(", ")
            }
        )
        .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::admission::{testing, Operation};
    use crate::sim::authn::UserInfo;
    use crate::sim::store::Store;
    use serde_json::json;

    const MASTERS_CSR: &str = include_str!("../../../tests/fixtures/admission/masters.csr");
    const JANE_CSR: &str = include_str!("../../../static/cluster/pki/jane.csr");

    /// A store where `approver` may approve for `example.com/*` and sign for
    /// `example.com/issuer`.
    fn store() -> Store {
        let mut s = Store::new(0, 1);
        let g = "rbac.authorization.k8s.io";
        s.create(
            g,
            "clusterroles",
            json!({"metadata": {"name": "approver"}, "rules": [
                {"apiGroups": [GROUP], "resources": ["signers"], "verbs": ["approve"], "resourceNames": ["example.com/*"]},
                {"apiGroups": [GROUP], "resources": ["signers"], "verbs": ["sign"], "resourceNames": ["example.com/issuer"]}]}),
            0,
        )
        .unwrap();
        s.create(
            g,
            "clusterrolebindings",
            json!({"metadata": {"name": "approver"}, "roleRef": {"apiGroup": g, "kind": "ClusterRole", "name": "approver"},
                "subjects": [{"apiGroup": g, "kind": "User", "name": "approver"}]}),
            0,
        )
        .unwrap();
        s
    }

    fn csr(signer: &str, request: &str) -> serde_json::Value {
        json!({"metadata": {"name": "req"}, "spec": {"signerName": signer,
            "request": crate::sim::b64::STANDARD.encode(request.as_bytes())}})
    }

    fn message(v: Verdict) -> String {
        match v {
            Verdict::Reject(e) => format!("{} {}", e.code, e.message),
            Verdict::Admit(_) => "admit".into(),
            Verdict::Skip(_) => "skip".into(),
        }
    }

    #[test]
    fn approving_needs_approve_on_the_signer_or_its_domain() {
        let url = "/apis/certificates.k8s.io/v1/certificatesigningrequests/req/approval";
        let approver = UserInfo {
            username: "approver".into(),
            ..Default::default()
        };
        let nobody = UserInfo {
            username: "nobody".into(),
            ..Default::default()
        };
        let obj = csr("example.com/issuer", JANE_CSR);
        let check = |user: &UserInfo, url: &str| {
            let a = testing::attrs(Operation::Update, "PUT", url, user, Some(obj.clone()));
            message(testing::validate(&mut store(), approval, &a))
        };
        assert_eq!(check(&approver, url), "admit");
        assert_eq!(
            check(&nobody, url),
            "403 certificatesigningrequests.certificates.k8s.io \"req\" is forbidden: user not permitted to approve requests with signerName \"example.com/issuer\""
        );
        // The main resource and other subresources are not this plugin's business.
        let plain = "/apis/certificates.k8s.io/v1/certificatesigningrequests/req";
        assert_eq!(check(&nobody, plain), "skip");
    }

    #[test]
    fn signing_is_checked_only_when_the_certificate_changes() {
        let url = "/apis/certificates.k8s.io/v1/certificatesigningrequests/req/status";
        let approver = UserInfo {
            username: "approver".into(),
            ..Default::default()
        };
        let old = csr("example.com/other", JANE_CSR);
        let mut signed = old.clone();
        signed["status"] = json!({"certificate": "Y2VydA=="});
        let check = |new: &serde_json::Value| {
            let mut a = testing::attrs(Operation::Update, "PUT", url, &approver, Some(new.clone()));
            a.old_object = Some(old.clone());
            message(testing::validate(&mut store(), signing, &a))
        };
        assert_eq!(check(&old), "skip");
        assert_eq!(
            check(&signed),
            "403 certificatesigningrequests.certificates.k8s.io \"req\" is forbidden: user not permitted to sign requests with signerName \"example.com/other\""
        );
    }

    #[test]
    fn no_system_masters_from_the_api_server_client_signer() {
        let url = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
        let user = UserInfo::default();
        let check = |obj: serde_json::Value| {
            let a = testing::attrs(Operation::Create, "POST", url, &user, Some(obj));
            message(testing::validate(&mut store(), subject_restriction, &a))
        };
        let client = crate::sim::controllers::CLIENT_SIGNER;
        assert_eq!(
            check(csr(client, MASTERS_CSR)),
            "403 certificatesigningrequests.certificates.k8s.io \"req\" is forbidden: use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed"
        );
        assert_eq!(check(csr(client, JANE_CSR)), "admit");
        // Another signer may issue what its approvers allow.
        assert_eq!(check(csr("example.com/issuer", MASTERS_CSR)), "skip");
        assert_eq!(
            check(csr(client, "not a request")),
            "403 certificatesigningrequests.certificates.k8s.io \"req\" is forbidden: failed to parse CSR: PEM block type must be CERTIFICATE REQUEST"
        );
    }
}

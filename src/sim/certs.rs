//! Certificate signing for the CertificateSigningRequest flow: read a PKCS#10 request, and
//! issue a client certificate for it signed by the cluster CA (what kube-controller-manager's
//! `csrsigning` controller does for `kubernetes.io/kube-apiserver-client`).
//! See <https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/>.

use std::time::Duration;

use rsa::pkcs1v15::{Signature, SigningKey};
use rsa::pkcs8::DecodePrivateKey;
use rsa::RsaPrivateKey;
use sha2::Sha256;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::der::asn1::UtcTime;
use x509_cert::der::{DecodePem, EncodePem};
use x509_cert::ext::pkix::ExtendedKeyUsage;
use x509_cert::request::CertReq;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

use super::authn::x509;
use super::clock::Instant;

const OID_CN: &str = "2.5.4.3";
const OID_O: &str = "2.5.4.10";
/// id-kp-clientAuth.
const CLIENT_AUTH: x509_cert::der::asn1::ObjectIdentifier =
    x509_cert::der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2");

/// What a certificate request asks for.
#[derive(Debug, Clone)]
pub struct Request {
    /// The parsed request.
    pub req: CertReq,
    /// Subject common name (the user name it would give).
    pub common_name: String,
    /// Subject organizations (the groups).
    pub organizations: Vec<String>,
}

fn attr(name: &x509_cert::name::Name, oid: &str) -> Vec<String> {
    let mut out = Vec::new();
    for rdn in name.0.iter() {
        for atv in rdn.0.iter() {
            if atv.oid.to_string() == oid {
                let bytes = atv.value.value();
                out.push(String::from_utf8_lossy(bytes).into_owned());
            }
        }
    }
    out
}

/// The DER inside the first PEM block of a text.
fn pem_der(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let body: String = text
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .ok()
}

/// Reads a PEM `CERTIFICATE REQUEST`, with upstream's complaint when it is not one.
pub fn parse_request(pem: &str) -> Result<Request, String> {
    if !pem.contains("-----BEGIN CERTIFICATE REQUEST-----") {
        return Err("PEM block type must be CERTIFICATE REQUEST".into());
    }
    let req = CertReq::from_pem(pem.trim().as_bytes())
        .map_err(|e| format!("invalid certificate request: {e}"))?;
    let common_name = attr(&req.info.subject, OID_CN).pop().unwrap_or_default();
    let organizations = attr(&req.info.subject, OID_O);
    Ok(Request {
        req,
        common_name,
        organizations,
    })
}

/// Issues a client certificate for the request, valid from `now` for `seconds`, signed by
/// the CA (its PEM certificate and PKCS#8 key).
pub fn issue_client_certificate(
    request: &Request,
    ca_cert_pem: &str,
    ca_key_pem: &str,
    now: Instant,
    seconds: i64,
    serial: u64,
) -> Result<String, String> {
    let ca = x509::parse_pem(ca_cert_pem)?;
    let key = pem_der(ca_key_pem)
        .and_then(|der| RsaPrivateKey::from_pkcs8_der(&der).ok())
        .ok_or("the CA key does not load (PKCS#8 RSA expected)")?;
    let signer = SigningKey::<Sha256>::new(key);
    let time = |t: Instant| -> Result<Time, String> {
        let secs = u64::try_from(t).map_err(|_| "time before 1970".to_string())?;
        UtcTime::from_unix_duration(Duration::from_secs(secs))
            .map(Time::UtcTime)
            .map_err(|e| e.to_string())
    };
    // Backdated five minutes, as the Kubernetes signer does for clock skew.
    let validity = Validity {
        not_before: time(now - 300)?,
        not_after: time(now + seconds)?,
    };
    let profile = Profile::Leaf {
        issuer: ca.tbs_certificate.subject.clone(),
        enable_key_agreement: false,
        enable_key_encipherment: true,
    };
    let mut builder = CertificateBuilder::new(
        profile,
        SerialNumber::from(serial),
        validity,
        request.req.info.subject.clone(),
        request.req.info.public_key.clone(),
        &signer,
    )
    .map_err(|e| format!("cannot build the certificate: {e}"))?;
    builder
        .add_extension(&ExtendedKeyUsage(vec![CLIENT_AUTH]))
        .map_err(|e| e.to_string())?;
    let cert = builder
        .build::<Signature>()
        .map_err(|e| format!("cannot sign the certificate: {e}"))?;
    cert.to_pem(x509_cert::der::pem::LineEnding::LF)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::controlplane::{KUBEADM_CA_CRT, KUBEADM_CA_KEY};

    /// `openssl req -new -key jane.key -subj "/CN=jane/O=developers"` (the playground's jane).
    const JANE_CSR: &str = include_str!("../../static/cluster/pki/jane.csr");

    #[test]
    fn a_request_becomes_a_client_certificate_the_ca_vouches_for() {
        let req = match parse_request(JANE_CSR) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(req.common_name, "jane");
        assert_eq!(req.organizations, ["developers"]);
        let now = 1_795_946_400;
        let pem =
            match issue_client_certificate(&req, KUBEADM_CA_CRT, KUBEADM_CA_KEY, now, 86_400, 7) {
                Ok(p) => p,
                Err(e) => panic!("{e}"),
            };
        let ca = match x509::ClientCa::parse("/ca.crt", KUBEADM_CA_CRT) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        let user = match ca.authenticate(&pem, now) {
            Ok(Some(u)) => u,
            other => panic!("{other:?}"),
        };
        assert_eq!(user.username, "jane");
        assert_eq!(user.groups, ["developers"]);
        // Expired a day later.
        assert!(ca.authenticate(&pem, now + 86_401).is_err());
        assert!(
            parse_request("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----").is_err()
        );
    }
}

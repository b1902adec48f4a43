//! Certificate signing for the CertificateSigningRequest flow: read a PKCS#10 request, and
//! issue a client certificate for it signed by the cluster CA (what kube-controller-manager's
//! `csrsigning` controller does for `kubernetes.io/kube-apiserver-client`).
//! See <https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/>.

use std::time::Duration;

use rsa::pkcs1v15::{Signature, SigningKey};
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::RsaPrivateKey;
use sha2::Sha256;
use x509_cert::certificate::{Certificate, TbsCertificate, Version};
use x509_cert::der::asn1::{BitString, ObjectIdentifier, OctetString, UtcTime};
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::Extension;
use x509_cert::request::CertReq;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_cert::time::{Time, Validity};

use super::authn::x509;
use super::clock::Instant;

const OID_CN: &str = "2.5.4.3";
const OID_O: &str = "2.5.4.10";
/// sha256WithRSAEncryption.
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
/// keyUsage, extKeyUsage, basicConstraints.
const KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");

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
    crate::sim::pem::first_any(text).map(|b| b.der)
}

/// Reads a PEM `CERTIFICATE REQUEST`, with upstream's complaint when it is not one.
pub fn parse_request(pem: &str) -> Result<Request, String> {
    if !pem.contains("-----BEGIN CERTIFICATE REQUEST-----") {
        return Err("PEM block type must be CERTIFICATE REQUEST".into());
    }
    let der = crate::sim::pem::first(pem, "CERTIFICATE REQUEST")
        .ok_or("PEM block type must be CERTIFICATE REQUEST")?;
    let req = CertReq::from_der(&der).map_err(|e| format!("invalid certificate request: {e}"))?;
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
    let time = |t: Instant| -> Result<Time, String> {
        let secs = u64::try_from(t).map_err(|_| "time before 1970".to_string())?;
        UtcTime::from_unix_duration(Duration::from_secs(secs))
            .map(Time::UtcTime)
            .map_err(|e| e.to_string())
    };
    let algorithm = AlgorithmIdentifierOwned {
        oid: SHA256_WITH_RSA,
        parameters: Some(x509_cert::der::asn1::Null.into()),
    };
    let ext = |oid, critical, value: Vec<u8>| -> Result<Extension, String> {
        Ok(Extension {
            extn_id: oid,
            critical,
            extn_value: OctetString::new(value).map_err(|e| e.to_string())?,
        })
    };
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: SerialNumber::from(serial),
        signature: algorithm.clone(),
        issuer: ca.tbs_certificate.subject.clone(),
        // Backdated five minutes, as the Kubernetes signer does for clock skew.
        validity: Validity {
            not_before: time(now - 300)?,
            not_after: time(now + seconds)?,
        },
        subject: request.req.info.subject.clone(),
        subject_public_key_info: request.req.info.public_key.clone(),
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(vec![
            // digitalSignature and keyEncipherment.
            ext(KEY_USAGE, true, vec![0x03, 0x02, 0x05, 0xa0])?,
            // clientAuth (1.3.6.1.5.5.7.3.2).
            ext(
                EXT_KEY_USAGE,
                false,
                vec![
                    0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02,
                ],
            )?,
            // Not a CA.
            ext(BASIC_CONSTRAINTS, true, vec![0x30, 0x00])?,
        ]),
    };
    let tbs_der = tbs.to_der().map_err(|e| e.to_string())?;
    let signature: Signature = SigningKey::<Sha256>::new(key).sign(&tbs_der);
    let cert = Certificate {
        tbs_certificate: tbs,
        signature_algorithm: algorithm,
        signature: BitString::from_bytes(&signature.to_bytes()).map_err(|e| e.to_string())?,
    };
    let der = cert.to_der().map_err(|e| e.to_string())?;
    Ok(crate::sim::pem::encode("CERTIFICATE", &der))
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
        let chain = [x509::parse_pem(&pem).unwrap()];
        let user = match ca.authenticate(&chain, now) {
            Ok(Some(u)) => u,
            other => panic!("{other:?}"),
        };
        assert_eq!(user.username, "jane");
        assert_eq!(user.groups, ["developers"]);
        // Expired a day later.
        assert!(ca.authenticate(&chain, now + 86_401).is_err());
        assert!(
            parse_request("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----").is_err()
        );
    }
}

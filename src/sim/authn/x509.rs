//! x509 client certificates (`--client-ca-file`): the certificate must chain to the CA, be
//! valid at the simulated time and allow client auth; CN is the user name, every O a group.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/authentication/#x509-client-certificates>.

use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use rsa::RsaPublicKey;
use sha2::{Digest, Sha256};
use x509_cert::der::{Decode, Encode};
use x509_cert::Certificate;

use super::UserInfo;
use crate::sim::clock::{format_rfc3339, Instant};

const OID_CN: &str = "2.5.4.3";
const OID_O: &str = "2.5.4.10";
const OID_SHA256_WITH_RSA: &str = "1.2.840.113549.1.1.11";
const OID_EXT_KEY_USAGE: &str = "2.5.29.37";
const OID_CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
const OID_ANY_EKU: &str = "2.5.29.37.0";

/// The CA bundle named by `--client-ca-file`.
#[derive(Debug, Clone)]
pub struct ClientCa {
    /// The file's path.
    pub path: String,
    cas: Vec<Certificate>,
}

/// The facts of one certificate that the playground shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSummary {
    /// Subject common name (the last CN, as Go reads it).
    pub common_name: String,
    /// Subject organizations, in order.
    pub organizations: Vec<String>,
    /// The issuer, as a distinguished name string.
    pub issuer: String,
    /// Not before, seconds since the epoch.
    pub not_before: Instant,
    /// Not after, seconds since the epoch.
    pub not_after: Instant,
}

/// Parses the first PEM certificate of a text.
pub fn parse_pem(pem: &str) -> Result<Certificate, String> {
    let der = crate::sim::pem::first(pem, "CERTIFICATE")
        .ok_or("invalid certificate: no CERTIFICATE PEM block")?;
    Certificate::from_der(&der).map_err(|e| format!("invalid certificate: {e}"))
}

/// Parses every certificate in a PEM bundle.
pub fn parse_bundle(pem: &str) -> Result<Vec<Certificate>, String> {
    let mut out = Vec::new();
    for block in crate::sim::pem::decode_all(pem) {
        if block.label == "CERTIFICATE" {
            out.push(
                Certificate::from_der(&block.der)
                    .map_err(|e| format!("invalid certificate: {e}"))?,
            );
        }
    }
    if out.is_empty() {
        return Err("data does not contain any valid RSA or ECDSA certificates".into());
    }
    Ok(out)
}

fn attr_values(name: &x509_cert::name::Name, oid: &str) -> Vec<String> {
    let mut out = Vec::new();
    for rdn in name.0.iter() {
        for atv in rdn.0.iter() {
            if atv.oid.to_string() == oid {
                let v = atv
                    .value
                    .decode_as::<String>()
                    .or_else(|_| {
                        atv.value
                            .decode_as::<x509_cert::der::asn1::PrintableStringRef<'_>>()
                            .map(|s| s.to_string())
                    })
                    .or_else(|_| {
                        atv.value
                            .decode_as::<x509_cert::der::asn1::Utf8StringRef<'_>>()
                            .map(|s| s.to_string())
                    })
                    .unwrap_or_default();
                out.push(v);
            }
        }
    }
    out
}

fn unix(t: &x509_cert::time::Time) -> Instant {
    i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}

/// The facts of a certificate.
pub fn summarize(cert: &Certificate) -> CertSummary {
    let tbs = &cert.tbs_certificate;
    CertSummary {
        common_name: attr_values(&tbs.subject, OID_CN).pop().unwrap_or_default(),
        organizations: attr_values(&tbs.subject, OID_O),
        issuer: tbs.issuer.to_string(),
        not_before: unix(&tbs.validity.not_before),
        not_after: unix(&tbs.validity.not_after),
    }
}

fn verify_signature(cert: &Certificate, issuer: &Certificate) -> Result<(), String> {
    if cert.signature_algorithm.oid.to_string() != OID_SHA256_WITH_RSA {
        return Err(format!(
            "x509: signature algorithm {} is not modelled by the playground (only SHA256-RSA)",
            cert.signature_algorithm.oid
        ));
    }
    let spki = issuer
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| e.to_string())?;
    let key = RsaPublicKey::from_public_key_der(&spki)
        .map_err(|_| "x509: certificate signed by unknown authority".to_string())?;
    let tbs = cert.tbs_certificate.to_der().map_err(|e| e.to_string())?;
    let sig = Signature::try_from(cert.signature.raw_bytes())
        .map_err(|_| "x509: malformed signature".to_string())?;
    VerifyingKey::<Sha256>::new(key)
        .verify(&tbs, &sig)
        .map_err(|_| "x509: certificate signed by unknown authority".to_string())
}

fn allows_client_auth(cert: &Certificate) -> bool {
    let Some(exts) = &cert.tbs_certificate.extensions else {
        return true;
    };
    let Some(eku) = exts
        .iter()
        .find(|e| e.extn_id.to_string() == OID_EXT_KEY_USAGE)
    else {
        return true;
    };
    match x509_cert::ext::pkix::ExtendedKeyUsage::from_der(eku.extn_value.as_bytes()) {
        Ok(list) => list
            .0
            .iter()
            .any(|o| o.to_string() == OID_CLIENT_AUTH || o.to_string() == OID_ANY_EKU),
        Err(_) => false,
    }
}

impl ClientCa {
    /// Loads the CA bundle from the file's PEM text.
    pub fn parse(path: &str, pem: &str) -> Result<ClientCa, String> {
        Ok(ClientCa {
            path: path.to_string(),
            cas: parse_bundle(pem)?,
        })
    }

    /// Verifies a presented certificate and maps it to a user: `Ok(None)` when it verifies
    /// but has no common name (the next authenticator is tried), `Err` when it does not verify.
    pub fn authenticate(&self, pem: &str, now: Instant) -> Result<Option<UserInfo>, String> {
        let cert = parse_pem(pem)?;
        let facts = summarize(&cert);
        if now < facts.not_before || now > facts.not_after {
            let bound = if now > facts.not_after {
                format!("is after {}", format_rfc3339(facts.not_after))
            } else {
                format!("is before {}", format_rfc3339(facts.not_before))
            };
            return Err(format!(
                "x509: certificate has expired or is not yet valid: current time {} {bound}",
                format_rfc3339(now)
            ));
        }
        let issuer = self
            .cas
            .iter()
            .find(|ca| ca.tbs_certificate.subject == cert.tbs_certificate.issuer)
            .ok_or_else(|| "x509: certificate signed by unknown authority".to_string())?;
        verify_signature(&cert, issuer)?;
        if !allows_client_auth(&cert) {
            return Err("x509: certificate specifies an incompatible key usage".into());
        }
        if facts.common_name.is_empty() {
            return Ok(None);
        }
        // Newer servers identify the credential by the certificate's SHA-256.
        let der = cert.to_der().map_err(|e| e.to_string())?;
        let digest: String = Sha256::digest(&der)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut extra = std::collections::BTreeMap::new();
        extra.insert(
            "authentication.kubernetes.io/credential-id".to_string(),
            vec![format!("X509SHA256={digest}")],
        );
        Ok(Some(UserInfo {
            username: facts.common_name,
            groups: facts.organizations,
            extra,
            ..Default::default()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::clock::parse_rfc3339;

    const CA: &str = include_str!("../../../static/cluster/pki/ca.crt");
    const ADMIN: &str = include_str!("../../../static/cluster/pki/admin.crt");

    #[test]
    fn admin_certificate_maps_cn_and_o() {
        let ca = ClientCa::parse("/etc/kubernetes/pki/ca.crt", CA).unwrap();
        let now = parse_rfc3339("2026-11-29T10:00:00Z").unwrap();
        let user = ca.authenticate(ADMIN, now).unwrap().unwrap();
        assert_eq!(user.username, "kubernetes-admin");
        assert_eq!(user.groups, ["kubeadm:cluster-admins"]);
    }

    #[test]
    fn expiry_is_checked_against_the_simulated_clock() {
        let ca = ClientCa::parse("/ca", CA).unwrap();
        let later = parse_rfc3339("2030-01-01T00:00:00Z").unwrap();
        let err = ca.authenticate(ADMIN, later).unwrap_err();
        assert!(err.starts_with("x509: certificate has expired"), "{err}");
    }

    #[test]
    fn a_certificate_from_another_ca_is_rejected() {
        // The admin certificate checked against itself as CA: the subject does not match
        // its issuer, so the chain does not verify.
        let ca = ClientCa::parse("/ca", ADMIN).unwrap();
        let now = parse_rfc3339("2026-11-29T10:00:00Z").unwrap();
        assert_eq!(
            ca.authenticate(ADMIN, now).unwrap_err(),
            "x509: certificate signed by unknown authority"
        );
    }

    #[test]
    fn a_tampered_signature_is_rejected() {
        // Same issuer name, but the CA certificate's key signs nothing the admin cert carries
        // once one byte of the signature changes.
        let mut cert = parse_pem(ADMIN).unwrap();
        let mut sig = cert.signature.raw_bytes().to_vec();
        sig[10] ^= 0xff;
        cert.signature = x509_cert::der::asn1::BitString::from_bytes(&sig).unwrap();
        let ca = parse_pem(CA).unwrap();
        assert!(verify_signature(&cert, &ca).is_err());
        let good = parse_pem(ADMIN).unwrap();
        assert!(verify_signature(&good, &ca).is_ok());
    }
}

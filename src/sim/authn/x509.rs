//! x509 client certificates (`--client-ca-file`): the certificate must chain to the CA, be
//! valid at the simulated time and allow client auth; CN is the user name, every O a group.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/authentication/#x509-client-certificates>.

use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use rsa::RsaPublicKey;
use sha2::{Digest, Sha256, Sha384, Sha512};
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
    /// SHA-256 of the bundle, naming it in the verification cache.
    digest: [u8; 32],
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

const OID_SHA1_WITH_RSA: &str = "1.2.840.113549.1.1.5";
const OID_SHA384_WITH_RSA: &str = "1.2.840.113549.1.1.12";
const OID_SHA512_WITH_RSA: &str = "1.2.840.113549.1.1.13";
const OID_RSA_PSS: &str = "1.2.840.113549.1.1.10";
const OID_SHA384: &str = "2.16.840.1.101.3.4.2.2";
const OID_SHA512: &str = "2.16.840.1.101.3.4.2.3";
const OID_SUBJECT_KEY_ID: &str = "2.5.29.14";
const OID_AUTHORITY_KEY_ID: &str = "2.5.29.35";
const OID_BASIC_CONSTRAINTS: &str = "2.5.29.19";
const OID_AUTHORITY_INFO: &str = "1.3.6.1.5.5.7.1.1";
/// The extensions Go's x509 understands, so that they may be marked critical: key usage,
/// subject alternative name, basic constraints, name constraints, CRL distribution points,
/// certificate policies, policy mappings, policy constraints, extended key usage, inhibit any
/// policy.
const HANDLED_CRITICAL: &[&str] = &[
    "2.5.29.15",
    "2.5.29.17",
    "2.5.29.19",
    "2.5.29.30",
    "2.5.29.31",
    "2.5.29.32",
    "2.5.29.33",
    "2.5.29.36",
    "2.5.29.37",
    "2.5.29.54",
];

fn extension<'a>(cert: &'a Certificate, oid: &str) -> Option<&'a x509_cert::ext::Extension> {
    cert.tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id.to_string() == oid)
}

/// What Go's `x509.ParseCertificate` refuses in extensions (so the TLS handshake fails).
pub fn parse_time_problem(cert: &Certificate) -> Option<&'static str> {
    for (oid, what) in [
        (OID_AUTHORITY_KEY_ID, "authority key identifier"),
        (OID_SUBJECT_KEY_ID, "subject key identifier"),
        (OID_AUTHORITY_INFO, "authority info access"),
    ] {
        if extension(cert, oid).is_some_and(|e| e.critical) {
            return Some(match what {
                "authority key identifier" => {
                    "x509: authority key identifier incorrectly marked critical"
                }
                "subject key identifier" => {
                    "x509: subject key identifier incorrectly marked critical"
                }
                _ => "x509: authority info access incorrectly marked critical",
            });
        }
    }
    None
}

fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn subject_key_id(cert: &Certificate) -> Vec<u8> {
    extension(cert, OID_SUBJECT_KEY_ID)
        .and_then(|e| {
            x509_cert::ext::pkix::SubjectKeyIdentifier::from_der(e.extn_value.as_bytes()).ok()
        })
        .map(|k| k.0.as_bytes().to_vec())
        .unwrap_or_default()
}

fn authority_key_id(cert: &Certificate) -> Vec<u8> {
    extension(cert, OID_AUTHORITY_KEY_ID)
        .and_then(|e| {
            x509_cert::ext::pkix::AuthorityKeyIdentifier::from_der(e.extn_value.as_bytes()).ok()
        })
        .and_then(|k| k.key_identifier)
        .map(|k| k.as_bytes().to_vec())
        .unwrap_or_default()
}

/// A big-endian two's-complement integer in decimal, as Go's `%d` prints a serial number.
fn decimal(bytes: &[u8]) -> String {
    let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
    let mut digits: Vec<u8> = if negative {
        // Two's complement magnitude: invert and add one.
        let mut v: Vec<u8> = bytes.iter().map(|b| !b).collect();
        for b in v.iter_mut().rev() {
            let (sum, carry) = b.overflowing_add(1);
            *b = sum;
            if !carry {
                break;
            }
        }
        v
    } else {
        bytes.to_vec()
    };
    let mut out = Vec::new();
    while digits.iter().any(|&d| d != 0) {
        let mut rem = 0u32;
        for d in digits.iter_mut() {
            let cur = (rem << 8) | u32::from(*d);
            *d = (cur / 10) as u8;
            rem = cur % 10;
        }
        out.push(b'0' + rem as u8);
    }
    if out.is_empty() {
        out.push(b'0');
    }
    if negative {
        out.push(b'-');
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// kube-apiserver's `certificateIdentifier`: how its log names a certificate it refused.
pub fn certificate_identifier(cert: &Certificate) -> String {
    format!(
        "SN={}, SKID={}, AKID={}",
        decimal(cert.tbs_certificate.serial_number.as_bytes()),
        colon_hex(&subject_key_id(cert)),
        colon_hex(&authority_key_id(cert))
    )
}

/// Checks that `issuer`'s key made `cert`'s signature, for the algorithms Go verifies.
fn verify_signature(cert: &Certificate, issuer: &Certificate) -> Result<(), String> {
    let Some((n, e)) = crate::sim::tls::rsa_public_key(issuer) else {
        return Err(format!(
            "x509: signature algorithm {} is not modelled by the playground (only RSA)",
            cert.signature_algorithm.oid
        ));
    };
    let key = RsaPublicKey::new_with_max_size(n, e, crate::sim::tls::MAX_RSA_KEY_BITS)
        .map_err(|_| "crypto/rsa: verification error".to_string())?;
    let tbs = cert.tbs_certificate.to_der().map_err(|e| e.to_string())?;
    let raw = cert.signature.raw_bytes();
    let failed = |_| "crypto/rsa: verification error".to_string();
    let algorithm = cert.signature_algorithm.oid.to_string();
    match algorithm.as_str() {
        OID_SHA256_WITH_RSA | OID_SHA384_WITH_RSA | OID_SHA512_WITH_RSA => {
            let sig = Signature::try_from(raw).map_err(failed)?;
            match algorithm.as_str() {
                OID_SHA256_WITH_RSA => VerifyingKey::<Sha256>::new(key).verify(&tbs, &sig),
                OID_SHA384_WITH_RSA => VerifyingKey::<Sha384>::new(key).verify(&tbs, &sig),
                _ => VerifyingKey::<Sha512>::new(key).verify(&tbs, &sig),
            }
            .map_err(failed)
        }
        OID_RSA_PSS => {
            // Go accepts PSS only with its standard parameters: MGF1 with the message hash
            // and a salt as long as the hash; the hash OID is enough to pick the check.
            let params = cert
                .signature_algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.to_der().ok())
                .unwrap_or_default();
            let has = |oid: &str| {
                let Ok(oid) = x509_cert::der::asn1::ObjectIdentifier::new(oid) else {
                    return false;
                };
                let Ok(enc) = oid.to_der() else { return false };
                params.windows(enc.len()).any(|w| w == enc.as_slice())
            };
            let sig = rsa::pss::Signature::try_from(raw).map_err(failed)?;
            if has(OID_SHA512) {
                rsa::pss::VerifyingKey::<Sha512>::new(key).verify(&tbs, &sig)
            } else if has(OID_SHA384) {
                rsa::pss::VerifyingKey::<Sha384>::new(key).verify(&tbs, &sig)
            } else {
                rsa::pss::VerifyingKey::<Sha256>::new(key).verify(&tbs, &sig)
            }
            .map_err(failed)
        }
        OID_SHA1_WITH_RSA => Err("x509: cannot verify signature: insecure algorithm SHA1-RSA".into()),
        other => Err(format!(
            "x509: signature algorithm {other} is not modelled by the playground (RSA with SHA-256/384/512 and RSA-PSS are)"
        )),
    }
}

/// Whether a certificate's extended key usages allow client authentication (none listed
/// means any use).
fn allows_client_auth(cert: &Certificate) -> bool {
    let Some(eku) = extension(cert, OID_EXT_KEY_USAGE) else {
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

fn is_ca(cert: &Certificate) -> bool {
    extension(cert, OID_BASIC_CONSTRAINTS)
        .and_then(|e| {
            x509_cert::ext::pkix::BasicConstraints::from_der(e.extn_value.as_bytes()).ok()
        })
        .is_some_and(|b| b.ca)
}

/// Go's `isValid` for one certificate of a chain: critical extensions it does not handle,
/// then the validity period.
fn check_valid(cert: &Certificate, now: Instant) -> Result<(), String> {
    if cert
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .any(|e| e.critical && !HANDLED_CRITICAL.contains(&e.extn_id.to_string().as_str()))
    {
        return Err("x509: unhandled critical extension".into());
    }
    let facts = summarize(cert);
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
    Ok(())
}

/// How Go names a candidate authority in a hint: its CN, else its first O, else its serial.
fn hint_name(cert: &Certificate) -> String {
    let facts = summarize(cert);
    if !facts.common_name.is_empty() {
        facts.common_name
    } else if let Some(o) = facts.organizations.first() {
        o.clone()
    } else {
        format!(
            "serial:{}",
            decimal(cert.tbs_certificate.serial_number.as_bytes())
        )
    }
}

impl ClientCa {
    /// Loads the CA bundle from the file's PEM text.
    pub fn parse(path: &str, pem: &str) -> Result<ClientCa, String> {
        Ok(ClientCa {
            path: path.to_string(),
            cas: parse_bundle(pem)?,
            digest: Sha256::digest(pem.as_bytes()).into(),
        })
    }

    /// [`ClientCa::verify`] remembered for the last few chains at a given time: the answer
    /// cannot change while the bundle, the chain and the clock stay the same, and each
    /// verification is an RSA signature check.
    fn verify_cached(&self, chain: &[Certificate], now: Instant) -> Result<(), String> {
        use crate::sim::recent;
        thread_local! {
            static SEEN: recent::Cache<Result<(), String>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let ders: Vec<Vec<u8>> = chain
            .iter()
            .map(|c| c.to_der().unwrap_or_default())
            .collect();
        let now_bytes = now.to_le_bytes();
        let mut parts: Vec<&[u8]> = vec![&self.digest, &now_bytes];
        parts.extend(ders.iter().map(Vec::as_slice));
        recent::remembered(&SEEN, recent::digest(&parts), || self.verify(chain, now))
    }

    /// Go's `Certificate.Verify` as the x509 authenticator calls it: the leaf, then a path
    /// through the intermediates the client sent to one of the CA file's roots, every
    /// signature checked, then the client-auth key usage along the path.
    fn verify(&self, chain: &[Certificate], now: Instant) -> Result<(), String> {
        let leaf = &chain[0];
        check_valid(leaf, now)?;
        let leaf_der = leaf.to_der().map_err(|e| e.to_string())?;
        if self
            .cas
            .iter()
            .any(|ca| ca.to_der().is_ok_and(|d| d == leaf_der))
        {
            return allows_client_auth(leaf)
                .then_some(())
                .ok_or_else(|| "x509: certificate specifies an incompatible key usage".into());
        }
        let intermediates = &chain[1..];
        let mut hint: Option<(String, String)> = None;
        // Depth-first over candidate parents (roots first), at most 100 signature checks as
        // Go's `maxChainSignatureChecks`; a path is the certificates from the leaf up.
        let mut checks = 0;
        let mut stack: Vec<Vec<&Certificate>> = vec![vec![leaf]];
        let mut usage_failed = false;
        while let Some(path) = stack.pop() {
            let Some(&current) = path.last() else {
                continue;
            };
            let candidates = self
                .cas
                .iter()
                .map(|c| (c, true))
                .chain(intermediates.iter().map(|c| (c, false)))
                .filter(|(c, _)| c.tbs_certificate.subject == current.tbs_certificate.issuer);
            for (candidate, is_root) in candidates {
                if path.iter().any(|p| std::ptr::eq(*p, candidate)) || path.len() > 10 {
                    continue;
                }
                checks += 1;
                if checks > 100 {
                    return Err("x509: signature check attempts limit reached while verifying certificate chain".into());
                }
                if let Err(e) = verify_signature(current, candidate) {
                    hint.get_or_insert((e, hint_name(candidate)));
                    continue;
                }
                let usable = if !is_ca(candidate) && !is_root {
                    Err("x509: certificate is not authorized to sign other certificates".into())
                } else {
                    check_valid(candidate, now)
                };
                if let Err(e) = usable {
                    hint.get_or_insert((e, hint_name(candidate)));
                    continue;
                }
                let mut next = path.clone();
                next.push(candidate);
                if is_root {
                    if next.iter().all(|c| allows_client_auth(c)) {
                        return Ok(());
                    }
                    usage_failed = true;
                } else {
                    stack.push(next);
                }
            }
        }
        if usage_failed {
            return Err("x509: certificate specifies an incompatible key usage".into());
        }
        Err(match hint {
            Some((err, name)) => format!("x509: certificate signed by unknown authority (possibly because of {err:?} while trying to verify candidate authority certificate {name:?})"),
            None => "x509: certificate signed by unknown authority".into(),
        })
    }

    /// Verifies the certificates a client presented (leaf first, already accepted by the TLS
    /// handshake) and maps the leaf to a user: `Ok(None)` when it verifies but has no common
    /// name (the next authenticator is tried), `Err` with kube-apiserver's message when it
    /// does not verify.
    pub fn authenticate(
        &self,
        chain: &[Certificate],
        now: Instant,
    ) -> Result<Option<UserInfo>, String> {
        let Some(leaf) = chain.first() else {
            return Ok(None);
        };
        if let Err(e) = self.verify_cached(chain, now) {
            return Err(format!(
                "verifying certificate {} failed: {e}",
                certificate_identifier(leaf)
            ));
        }
        let facts = summarize(leaf);
        if facts.common_name.is_empty() {
            return Ok(None);
        }
        // Newer servers identify the credential by the certificate's SHA-256.
        let der = leaf.to_der().map_err(|e| e.to_string())?;
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

    fn admin() -> Vec<Certificate> {
        vec![parse_pem(ADMIN).unwrap()]
    }

    #[test]
    fn admin_certificate_maps_cn_and_o() {
        let ca = ClientCa::parse("/etc/kubernetes/pki/ca.crt", CA).unwrap();
        let now = parse_rfc3339("2026-11-29T10:00:00Z").unwrap();
        let user = ca.authenticate(&admin(), now).unwrap().unwrap();
        assert_eq!(user.username, "kubernetes-admin");
        assert_eq!(user.groups, ["kubeadm:cluster-admins"]);
    }

    #[test]
    fn expiry_is_checked_against_the_simulated_clock() {
        let ca = ClientCa::parse("/ca", CA).unwrap();
        let later = parse_rfc3339("2030-01-01T00:00:00Z").unwrap();
        let err = ca.authenticate(&admin(), later).unwrap_err();
        assert!(err.starts_with("verifying certificate SN="), "{err}");
        assert!(
            err.contains(" failed: x509: certificate has expired or is not yet valid: current time 2030-01-01T00:00:00Z is after "),
            "{err}"
        );
    }

    #[test]
    fn a_certificate_from_another_ca_is_rejected() {
        // The cluster CA's own certificate checked against a bundle holding only the admin
        // certificate: nothing there is named like its issuer.
        let ca = ClientCa::parse("/ca", ADMIN).unwrap();
        let now = parse_rfc3339("2026-11-29T10:00:00Z").unwrap();
        let err = ca.authenticate(&[parse_pem(CA).unwrap()], now).unwrap_err();
        assert!(
            err.ends_with(" failed: x509: certificate signed by unknown authority"),
            "{err}"
        );
        // Go's Verify takes a leaf that is itself in the roots as a chain of one.
        let user = ca.authenticate(&admin(), now).unwrap().unwrap();
        assert_eq!(user.username, "kubernetes-admin");
    }

    #[test]
    fn a_tampered_signature_is_rejected_with_go_hint() {
        // Same issuer name, but one byte of the signature changed: Go finds the candidate
        // authority by name and reports why it did not sign.
        let mut cert = parse_pem(ADMIN).unwrap();
        let mut sig = cert.signature.raw_bytes().to_vec();
        sig[10] ^= 0xff;
        cert.signature = x509_cert::der::asn1::BitString::from_bytes(&sig).unwrap();
        let ca = ClientCa::parse("/ca", CA).unwrap();
        let now = parse_rfc3339("2026-11-29T10:00:00Z").unwrap();
        let err = ca.authenticate(&[cert], now).unwrap_err();
        assert!(
            err.ends_with("failed: x509: certificate signed by unknown authority (possibly because of \"crypto/rsa: verification error\" while trying to verify candidate authority certificate \"kubernetes\")"),
            "{err}"
        );
    }

    #[test]
    fn unhandled_critical_extensions_are_refused() {
        let mut cert = parse_pem(ADMIN).unwrap();
        let ext = x509_cert::ext::Extension {
            extn_id: x509_cert::der::asn1::ObjectIdentifier::new_unwrap("1.2.3.4"),
            critical: true,
            extn_value: x509_cert::der::asn1::OctetString::new(vec![5, 0]).unwrap(),
        };
        cert.tbs_certificate
            .extensions
            .get_or_insert_with(Vec::new)
            .push(ext);
        let now = parse_rfc3339("2026-11-29T10:00:00Z").unwrap();
        assert_eq!(
            check_valid(&cert, now).unwrap_err(),
            "x509: unhandled critical extension"
        );
    }

    #[test]
    fn serials_print_in_decimal_as_go_does() {
        assert_eq!(decimal(&[0]), "0");
        assert_eq!(decimal(&[0x01, 0x00]), "256");
        assert_eq!(decimal(&[0x00, 0xff]), "255");
        assert_eq!(decimal(&[0xff]), "-1");
        assert_eq!(
            decimal(&[0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12]),
            "335812727670730321938"
        );
        let id = certificate_identifier(&parse_pem(ADMIN).unwrap());
        assert!(id.starts_with("SN="), "{id}");
        assert!(id.contains(", SKID=") && id.contains(", AKID="), "{id}");
    }

    /// A deterministic source of "randomness" for a PSS salt in a test.
    struct Counter(u8);
    impl rsa::rand_core::RngCore for Counter {
        fn next_u32(&mut self) -> u32 {
            self.next_u64() as u32
        }
        fn next_u64(&mut self) -> u64 {
            let mut b = [0u8; 8];
            self.fill_bytes(&mut b);
            u64::from_le_bytes(b)
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            for d in dest {
                self.0 = self.0.wrapping_add(1);
                *d = self.0;
            }
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }
    impl rsa::rand_core::CryptoRng for Counter {}

    #[test]
    fn rsa_pss_signatures_verify_as_go_verifies_them() {
        use rsa::pkcs8::DecodePrivateKey;
        use rsa::signature::{RandomizedSigner, SignatureEncoding};
        use x509_cert::der::{Any, Decode};
        const CA_KEY: &str = include_str!("../../../static/cluster/pki/ca.key");
        // RSASSA-PSS-params: SHA-256, MGF1 with SHA-256, a 32-byte salt.
        const PARAMS: &[u8] = &[
            0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
            0x04, 0x02, 0x01, 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48,
            0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
            0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20,
        ];
        let der = crate::sim::pem::first(CA_KEY, "PRIVATE KEY").unwrap();
        let key = rsa::RsaPrivateKey::from_pkcs8_der(&der).unwrap();
        let mut cert = parse_pem(ADMIN).unwrap();
        let algorithm = x509_cert::spki::AlgorithmIdentifierOwned {
            oid: x509_cert::der::asn1::ObjectIdentifier::new_unwrap(OID_RSA_PSS),
            parameters: Some(Any::from_der(PARAMS).unwrap()),
        };
        cert.tbs_certificate.signature = algorithm.clone();
        cert.signature_algorithm = algorithm;
        let tbs = cert.tbs_certificate.to_der().unwrap();
        let sig = rsa::pss::SigningKey::<Sha256>::new(key).sign_with_rng(&mut Counter(0), &tbs);
        cert.signature = x509_cert::der::asn1::BitString::from_bytes(&sig.to_vec()).unwrap();
        let ca = ClientCa::parse("/ca", CA).unwrap();
        let now = parse_rfc3339("2026-11-29T10:00:00Z").unwrap();
        let user = ca.authenticate(&[cert.clone()], now).unwrap().unwrap();
        assert_eq!(user.username, "kubernetes-admin");
        // A PSS signature over other bytes does not.
        cert.tbs_certificate.serial_number =
            x509_cert::serial_number::SerialNumber::new(&[7]).unwrap();
        assert!(ca.authenticate(&[cert], now).is_err());
    }
}

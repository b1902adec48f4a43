//! The part of the TLS handshake that decides whether a client certificate counts: kubectl
//! pairs the certificate with its private key before it sends anything (Go's
//! `tls.X509KeyPair`, with its errors), then proves in the handshake that it holds the key (a
//! signature over the handshake, TLS's `CertificateVerify`), and the API server checks the
//! proof and the certificates' shape before any authenticator sees them. A certificate on its
//! own — the public half anyone can copy — authenticates nobody.
//!
//! The transcript signed is a fixed text plus the leaf certificate rather than a real TLS
//! transcript: enough to model possession of the key, not a network protocol.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/authentication/#x509-client-certificates>.

use std::cell::RefCell;

use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, PrivateKeyInfo};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use x509_cert::der::{Decode, Encode};
use x509_cert::Certificate;

use super::{pem, recent};

/// What a client presents in the handshake: its certificates (DER, leaf first) and the
/// signature over the handshake made with the leaf's private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCertificate {
    /// The `Certificate` message: the leaf, then any intermediates, as DER.
    pub chain: Vec<Vec<u8>>,
    /// The `CertificateVerify` signature (RSA PKCS #1 v1.5 with SHA-256).
    pub signature: Vec<u8>,
}

/// A handshake the server refused: what it logs and what the client is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeFailure {
    /// The server's error (kube-apiserver logs it as `http: TLS handshake error`).
    pub server: String,
    /// The alert the client reports, such as `remote error: tls: bad certificate`.
    pub client: String,
}

/// Go's `defaultMaxRSAKeySize`: larger RSA keys in a client's certificates end the handshake.
pub const MAX_RSA_KEY_BITS: usize = 8192;

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_ED25519: &str = "1.3.101.112";

fn transcript(leaf: &[u8]) -> Vec<u8> {
    let mut t = b"kubegate handshake: client CertificateVerify\0".to_vec();
    t.extend_from_slice(leaf);
    t
}

/// The kinds of private key Go's `parsePrivateKey` knows.
enum PrivateKey {
    Rsa(Box<RsaPrivateKey>),
    /// ECDSA or Ed25519: Go takes them, the playground cannot sign with them.
    Other(&'static str),
}

/// Go's `parsePrivateKey`: PKCS #1, then PKCS #8, then SEC 1, whatever the PEM type says.
fn parse_private_key(der: &[u8], label: &str) -> Result<PrivateKey, String> {
    if let Ok(k) = RsaPrivateKey::from_pkcs1_der(der) {
        return Ok(PrivateKey::Rsa(Box::new(k)));
    }
    if let Ok(info) = PrivateKeyInfo::try_from(der) {
        return match info.algorithm.oid.to_string().as_str() {
            OID_RSA => RsaPrivateKey::from_pkcs8_der(der)
                .map(|k| PrivateKey::Rsa(Box::new(k)))
                .map_err(|_| "tls: failed to parse private key".to_string()),
            OID_EC => Ok(PrivateKey::Other("ECDSA")),
            OID_ED25519 => Ok(PrivateKey::Other("Ed25519")),
            _ => Err("tls: found unknown private key type in PKCS#8 wrapping".into()),
        };
    }
    if label == "EC PRIVATE KEY" {
        return Ok(PrivateKey::Other("ECDSA"));
    }
    Err("tls: failed to parse private key".into())
}

/// The modulus and exponent of an RSA `SubjectPublicKeyInfo`, read without the `rsa` crate's
/// 4096-bit ceiling (Go reads keys of any size and refuses those over 8192 bits itself).
pub fn rsa_public_key(cert: &Certificate) -> Option<(BigUint, BigUint)> {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    if spki.algorithm.oid.to_string() != OID_RSA {
        return None;
    }
    let key = rsa::pkcs1::RsaPublicKey::from_der(spki.subject_public_key.raw_bytes()).ok()?;
    Some((
        BigUint::from_bytes_be(key.modulus.as_bytes()),
        BigUint::from_bytes_be(key.public_exponent.as_bytes()),
    ))
}

fn key_algorithm(cert: &Certificate) -> String {
    cert.tbs_certificate
        .subject_public_key_info
        .algorithm
        .oid
        .to_string()
}

/// Go's `tls.X509KeyPair` on the PEM texts of a kubeconfig's certificate and key, with the
/// errors kubectl prints (`error: tls: private key does not match public key`), followed by
/// the client's side of the handshake. Results are kept for the session's next requests, as
/// one kubectl process reuses its connection.
pub fn client_handshake(cert_pem: &str, key_pem: &str) -> Result<ClientCertificate, String> {
    thread_local! {
        static DONE: recent::Cache<Result<ClientCertificate, String>> = const { RefCell::new(Vec::new()) };
    }
    let id = recent::digest(&[cert_pem.as_bytes(), key_pem.as_bytes()]);
    recent::remembered(&DONE, id, || key_pair_and_sign(cert_pem, key_pem))
}

fn key_pair_and_sign(cert_pem: &str, key_pem: &str) -> Result<ClientCertificate, String> {
    let mut chain = Vec::new();
    let mut skipped = Vec::new();
    for block in pem::decode_all(cert_pem) {
        if block.label == "CERTIFICATE" {
            chain.push(block.der);
        } else {
            skipped.push(block.label);
        }
    }
    if chain.is_empty() {
        return Err(match skipped.as_slice() {
            [] => "tls: failed to find any PEM data in certificate input".into(),
            [one] if one.ends_with("PRIVATE KEY") => "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched".into(),
            _ => format!("tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: [{}]", skipped.join(" ")),
        });
    }
    let mut skipped = Vec::new();
    let mut key_block = None;
    for block in pem::decode_all(key_pem) {
        if block.label == "PRIVATE KEY" || block.label.ends_with(" PRIVATE KEY") {
            key_block = Some(block);
            break;
        }
        skipped.push(block.label);
    }
    let Some(key_block) = key_block else {
        return Err(match skipped.as_slice() {
            [] => "tls: failed to find any PEM data in key input".into(),
            [one] if one == "CERTIFICATE" => {
                "tls: found a certificate rather than a key in the PEM for the private key".into()
            }
            _ => format!("tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: [{}]", skipped.join(" ")),
        });
    };
    // Only the leaf is parsed here; the rest of the chain goes to the server as it is.
    let leaf = Certificate::from_der(&chain[0]).map_err(|_| "x509: malformed certificate")?;
    let key = parse_private_key(&key_block.der, &key_block.label)?;
    let algorithm = key_algorithm(&leaf);
    let key = match (algorithm.as_str(), key) {
        (OID_RSA, PrivateKey::Rsa(k)) => {
            let (n, _) = rsa_public_key(&leaf).ok_or("x509: malformed certificate")?;
            if &n != k.n() {
                return Err("tls: private key does not match public key".into());
            }
            k
        }
        (OID_RSA, PrivateKey::Other(_)) | (OID_EC | OID_ED25519, PrivateKey::Rsa(_)) => {
            return Err("tls: private key type does not match public key type".into())
        }
        (OID_EC | OID_ED25519, PrivateKey::Other(kind)) => {
            return Err(format!(
                "kubegate models RSA client keys only: this {kind} key pair would work with a real kubectl"
            ))
        }
        _ => return Err("tls: unknown public key algorithm".into()),
    };
    let signature = SigningKey::<Sha256>::new(*key)
        .sign(&transcript(&chain[0]))
        .to_vec();
    Ok(ClientCertificate { chain, signature })
}

/// The server's side: parses every certificate the client sent, applies Go's limits, and
/// checks the `CertificateVerify` signature against the leaf's key. On success the parsed
/// chain (leaf first) goes to the authenticators; they still decide whether it is trusted.
pub fn server_accept(hello: &ClientCertificate) -> Result<Vec<Certificate>, HandshakeFailure> {
    // A connection's handshake is done once: the same client resumes its session.
    thread_local! {
        static SEEN: recent::Cache<Result<Vec<Certificate>, HandshakeFailure>> = const { RefCell::new(Vec::new()) };
    }
    let mut parts: Vec<&[u8]> = hello.chain.iter().map(Vec::as_slice).collect();
    parts.push(&hello.signature);
    recent::remembered(&SEEN, recent::digest(&parts), || accept_uncached(hello))
}

fn accept_uncached(hello: &ClientCertificate) -> Result<Vec<Certificate>, HandshakeFailure> {
    let refuse = |server: String, alert: &str| HandshakeFailure {
        server,
        client: format!("remote error: tls: {alert}"),
    };
    let mut chain = Vec::new();
    for der in &hello.chain {
        let cert = Certificate::from_der(der).map_err(|_| {
            refuse(
                "tls: failed to parse client certificate: x509: malformed certificate".into(),
                "error decoding message",
            )
        })?;
        if let Some(why) = super::authn::x509::parse_time_problem(&cert) {
            return Err(refuse(
                format!("tls: failed to parse client certificate: {why}"),
                "error decoding message",
            ));
        }
        if let Some((n, _)) = rsa_public_key(&cert) {
            if n.bits() > MAX_RSA_KEY_BITS {
                return Err(refuse(
                    format!("tls: client sent certificate containing RSA key larger than {MAX_RSA_KEY_BITS} bits"),
                    "bad certificate",
                ));
            }
        }
        chain.push(cert);
    }
    let Some(leaf) = chain.first() else {
        return Ok(chain);
    };
    let algorithm = key_algorithm(leaf);
    let Some((n, e)) = rsa_public_key(leaf) else {
        return Err(if algorithm == OID_EC || algorithm == OID_ED25519 {
            refuse(
                "kubegate models RSA client certificates only".into(),
                "unsupported certificate",
            )
        } else {
            refuse(
                "tls: client certificate contains an unsupported public key of type <nil>".into(),
                "unsupported certificate",
            )
        });
    };
    let verified = RsaPublicKey::new_with_max_size(n, e, MAX_RSA_KEY_BITS)
        .ok()
        .zip(Signature::try_from(hello.signature.as_slice()).ok())
        .is_some_and(|(key, sig)| {
            VerifyingKey::<Sha256>::new(key)
                .verify(&transcript(&hello.chain[0]), &sig)
                .is_ok()
        });
    if !verified {
        return Err(refuse(
            "tls: invalid signature by the client certificate: crypto/rsa: verification error"
                .into(),
            "error decrypting message",
        ));
    }
    Ok(chain)
}

/// A client's chain as PEM text, for display.
pub fn chain_pem(hello: &ClientCertificate) -> String {
    hello
        .chain
        .iter()
        .map(|der| pem::encode("CERTIFICATE", der))
        .collect()
}

/// The DER of a parsed certificate (for hashing).
pub fn der_of(cert: &Certificate) -> Vec<u8> {
    cert.to_der().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADMIN_CERT: &str = include_str!("../../static/cluster/pki/admin.crt");
    const ADMIN_KEY: &str = include_str!("../../static/cluster/pki/admin.key");
    const CA_CERT: &str = include_str!("../../static/cluster/pki/ca.crt");
    const CA_KEY: &str = include_str!("../../static/cluster/pki/ca.key");

    #[test]
    fn the_right_key_makes_a_handshake_the_server_accepts() {
        let hello = client_handshake(ADMIN_CERT, ADMIN_KEY).unwrap();
        let chain = server_accept(&hello).unwrap();
        assert_eq!(chain.len(), 1);
        // A copied certificate with someone else's signature does not get through.
        let ca = client_handshake(CA_CERT, CA_KEY).unwrap();
        let forged = ClientCertificate {
            chain: hello.chain.clone(),
            signature: ca.signature.clone(),
        };
        assert_eq!(
            server_accept(&forged).unwrap_err(),
            HandshakeFailure {
                server: "tls: invalid signature by the client certificate: crypto/rsa: verification error".into(),
                client: "remote error: tls: error decrypting message".into(),
            }
        );
        let unsigned = ClientCertificate {
            chain: hello.chain,
            signature: Vec::new(),
        };
        assert!(server_accept(&unsigned).is_err());
    }

    #[test]
    fn go_x509_key_pair_errors() {
        let err = |c: &str, k: &str| client_handshake(c, k).unwrap_err();
        assert_eq!(
            err(ADMIN_CERT, CA_KEY),
            "tls: private key does not match public key"
        );
        assert_eq!(
            err(ADMIN_CERT, ""),
            "tls: failed to find any PEM data in key input"
        );
        assert_eq!(
            err(ADMIN_CERT, "garbage"),
            "tls: failed to find any PEM data in key input"
        );
        assert_eq!(
            err(ADMIN_CERT, ADMIN_CERT),
            "tls: found a certificate rather than a key in the PEM for the private key"
        );
        assert_eq!(
            err("nope", ADMIN_KEY),
            "tls: failed to find any PEM data in certificate input"
        );
        assert_eq!(
            err(ADMIN_KEY, ADMIN_CERT),
            "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched"
        );
        let two = format!("{}{}", pem::encode("X", b"1"), pem::encode("Y", b"2"));
        assert_eq!(
            err(&two, ADMIN_KEY),
            "tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: [X Y]"
        );
        assert_eq!(
            err(ADMIN_CERT, &format!("{two}{}", pem::encode("CERTIFICATE", b"3"))),
            "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: [X Y CERTIFICATE]"
        );
        assert_eq!(
            err(ADMIN_CERT, &pem::encode("RSA PRIVATE KEY", b"junk")),
            "tls: failed to parse private key"
        );
        // The 4-character body that hung der's PEM reader.
        assert_eq!(
            err(
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                ADMIN_KEY
            ),
            "x509: malformed certificate"
        );
    }

    #[test]
    fn the_server_refuses_what_go_refuses_in_the_handshake() {
        let garbage = ClientCertificate {
            chain: vec![vec![0x30, 0x03, 0x02, 0x01, 0x01]],
            signature: vec![1],
        };
        let e = server_accept(&garbage).unwrap_err();
        assert_eq!(
            e.server,
            "tls: failed to parse client certificate: x509: malformed certificate"
        );
        assert_eq!(e.client, "remote error: tls: error decoding message");
    }

    #[test]
    fn rsa_keys_over_8192_bits_end_the_handshake() {
        // The admin certificate with a 16384-bit modulus in place of its key.
        let mut cert =
            Certificate::from_der(&client_handshake(ADMIN_CERT, ADMIN_KEY).unwrap().chain[0])
                .unwrap();
        let mut modulus = vec![0xc5u8; 2048];
        modulus[0] = 0x80;
        let key = rsa::pkcs1::RsaPublicKey {
            modulus: rsa::pkcs1::UintRef::new(&modulus).unwrap(),
            public_exponent: rsa::pkcs1::UintRef::new(&[1, 0, 1]).unwrap(),
        };
        let bits = key.to_der().unwrap();
        cert.tbs_certificate
            .subject_public_key_info
            .subject_public_key = x509_cert::der::asn1::BitString::from_bytes(&bits).unwrap();
        let hello = ClientCertificate {
            chain: vec![cert.to_der().unwrap()],
            signature: vec![0; 2048],
        };
        assert_eq!(
            server_accept(&hello).unwrap_err(),
            HandshakeFailure {
                server: "tls: client sent certificate containing RSA key larger than 8192 bits"
                    .into(),
                client: "remote error: tls: bad certificate".into(),
            }
        );
    }

    #[test]
    fn a_bundle_sends_its_chain() {
        // A certificate file that holds the leaf and then its CA: both go to the server, and
        // the authenticator may use the second as an intermediate.
        let bundle = format!("{ADMIN_CERT}{CA_CERT}");
        let hello = client_handshake(&bundle, ADMIN_KEY).unwrap();
        assert_eq!(hello.chain.len(), 2);
        assert_eq!(server_accept(&hello).unwrap().len(), 2);
    }
}

//! Base64 through `base64ct` (RustCrypto's constant-time codec, already in the build for PEM),
//! shaped like the `base64` crate's engines so call sites read the same.

use base64ct::{Base64, Base64UrlUnpadded, Encoding};

/// An alphabet and padding.
pub struct Engine(fn(&[u8]) -> String, fn(&[u8]) -> Option<Vec<u8>>);

impl Engine {
    /// Encodes bytes.
    pub fn encode(&self, bytes: impl AsRef<[u8]>) -> String {
        (self.0)(bytes.as_ref())
    }

    /// Decodes text; `Err` when it is not canonical base64 of this alphabet.
    pub fn decode(&self, text: impl AsRef<[u8]>) -> Result<Vec<u8>, DecodeError> {
        (self.1)(text.as_ref()).ok_or(DecodeError)
    }
}

/// Text that is not base64 of the expected alphabet and padding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeError;

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("illegal base64 data")
    }
}

fn std_encode(b: &[u8]) -> String {
    Base64::encode_string(b)
}
fn std_decode(t: &[u8]) -> Option<Vec<u8>> {
    Base64::decode_vec(std::str::from_utf8(t).ok()?).ok()
}
fn url_encode(b: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(b)
}
fn url_decode(t: &[u8]) -> Option<Vec<u8>> {
    Base64UrlUnpadded::decode_vec(std::str::from_utf8(t).ok()?).ok()
}

/// Standard alphabet, padded (Secrets, kubeconfig `*-data`, PEM bodies).
pub const STANDARD: Engine = Engine(std_encode, std_decode);
/// URL-safe alphabet, no padding (JWTs).
pub const URL_SAFE_NO_PAD: Engine = Engine(url_encode, url_decode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_what_go_rejects() {
        assert_eq!(STANDARD.encode("abcdef"), "YWJjZGVm");
        assert_eq!(STANDARD.decode("YWJjZGVm").unwrap(), b"abcdef");
        assert_eq!(STANDARD.encode([0xfb, 0xff]), "+/8=");
        assert!(STANDARD.decode("+/8").is_err(), "padding is required");
        assert!(STANDARD.decode("YW Jj").is_err());
        assert_eq!(URL_SAFE_NO_PAD.encode([0xfb, 0xff]), "-_8");
        assert_eq!(URL_SAFE_NO_PAD.decode("-_8").unwrap(), [0xfb, 0xff]);
        assert!(URL_SAFE_NO_PAD.decode("-_8=").is_err());
    }
}

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

/// Go's `base64.StdEncoding.Decode`, which is what the API server and client-go use for every
/// `[]byte` field (Secret `data`, kubeconfig `*-data`): line breaks are skipped, trailing bits
/// need not be zero, and an error names the offset Go names (`illegal base64 data at input
/// byte N`).
pub fn go_std_decode(src: &[u8]) -> Result<Vec<u8>, GoCorruptInput> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let newline = |c: u8| c == b'\n' || c == b'\r';
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        // One quantum: up to four symbols, newlines skipped.
        let mut quad = [0u32; 4];
        let mut have = 0;
        let mut trailing_garbage = None;
        while have < 4 {
            let Some(&c) = src.get(si) else {
                if have == 0 {
                    return Ok(out);
                }
                // A short final quantum without padding.
                return Err(GoCorruptInput(si - have));
            };
            si += 1;
            if let Some(v) = value(c) {
                quad[have] = v;
                have += 1;
                continue;
            }
            if newline(c) {
                continue;
            }
            if c != b'=' || have < 2 {
                return Err(GoCorruptInput(si - 1));
            }
            if have == 2 {
                // "==" expected: the second '=' may come after line breaks.
                while src.get(si).is_some_and(|&c| newline(c)) {
                    si += 1;
                }
                match src.get(si) {
                    None => return Err(GoCorruptInput(src.len())),
                    Some(b'=') => si += 1,
                    Some(_) => return Err(GoCorruptInput(si - 1)),
                }
            }
            while src.get(si).is_some_and(|&c| newline(c)) {
                si += 1;
            }
            if si < src.len() {
                trailing_garbage = Some(si);
            }
            break;
        }
        let bits = (quad[0] << 18) | (quad[1] << 12) | (quad[2] << 6) | quad[3];
        let bytes = [(bits >> 16) as u8, (bits >> 8) as u8, bits as u8];
        out.extend_from_slice(&bytes[..have - 1]);
        if let Some(at) = trailing_garbage {
            return Err(GoCorruptInput(at));
        }
        if have < 4 {
            break;
        }
    }
    Ok(out)
}

/// Go's `base64.CorruptInputError`: the offset of the first byte that could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoCorruptInput(pub usize);

impl std::fmt::Display for GoCorruptInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "illegal base64 data at input byte {}", self.0)
    }
}

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

    #[test]
    fn go_decoder_offsets() {
        let ok = |s: &str| go_std_decode(s.as_bytes()).unwrap();
        let bad = |s: &str| go_std_decode(s.as_bytes()).unwrap_err().0;
        assert_eq!(ok(""), b"");
        assert_eq!(ok("YWJjZGVm"), b"abcdef");
        assert_eq!(ok("YWJj\nZGVm\r\n"), b"abcdef");
        assert_eq!(ok("YQ=="), b"a");
        assert_eq!(ok("YWI="), b"ab");
        assert_eq!(
            ok("YR=="),
            b"a",
            "non-zero trailing bits are fine outside strict mode"
        );
        assert_eq!(ok("YQ=\n="), b"a");
        // Offsets as Go reports them (encoding/base64 decodeQuantum).
        assert_eq!(bad("abc"), 0);
        assert_eq!(bad("abcde"), 4);
        assert_eq!(bad("ab!d"), 2);
        assert_eq!(bad("YWJj ZGVm"), 4);
        assert_eq!(bad("Y==="), 1);
        assert_eq!(bad("YQ="), 3);
        assert_eq!(bad("YQ=x"), 2);
        assert_eq!(bad("YQ==YQ=="), 4);
        assert_eq!(bad("=abc"), 0);
        assert_eq!(
            GoCorruptInput(4).to_string(),
            "illegal base64 data at input byte 4"
        );
    }
}

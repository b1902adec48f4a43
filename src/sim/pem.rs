//! PEM armour (RFC 7468) read the way Go's `encoding/pem.Decode` reads it: a `-----BEGIN T-----`
//! line, optional `Key: value` headers, base64 lines, and the matching `-----END T-----` line; a
//! block that does not close, or whose base64 is broken, is skipped and the search goes on.
//! Every certificate, key and request the playground reads goes through here before DER
//! parsing, so no PEM text ever reaches a third-party PEM reader (der 0.7's loops forever on
//! some short bodies).
//! See <https://kubernetes.io/docs/tasks/administer-cluster/certificates/>.

/// One decoded PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The type from the BEGIN line, such as `CERTIFICATE` or `RSA PRIVATE KEY`.
    pub label: String,
    /// `Key: value` headers before the body (legacy encrypted keys carry `Proc-Type`).
    pub headers: Vec<(String, String)>,
    /// The decoded body.
    pub der: Vec<u8>,
}

/// Every well-formed block in `text`, in order (Go's `pem.Decode` called until it finds no
/// more). Text around and between blocks is ignored, as Go ignores it.
pub fn decode_all(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(label) = begin_label(lines[i]) else {
            i += 1;
            continue;
        };
        match read_block(&lines[i + 1..], label) {
            Some((block, used)) => {
                out.push(block);
                i += 1 + used;
            }
            // Go restarts the search just after the BEGIN line of a broken block.
            None => i += 1,
        }
    }
    out
}

/// The first block of `text` whose type is `label`.
pub fn first(text: &str, label: &str) -> Option<Vec<u8>> {
    decode_all(text)
        .into_iter()
        .find(|b| b.label == label)
        .map(|b| b.der)
}

/// The first block of `text`, whatever its type.
pub fn first_any(text: &str) -> Option<Block> {
    decode_all(text).into_iter().next()
}

/// Whether `text` holds at least one PEM BEGIN line (kubectl and Go tell "no PEM data" apart
/// from "PEM data of the wrong type").
pub fn has_begin(text: &str) -> bool {
    text.lines().any(|l| begin_label(l).is_some())
}

fn begin_label(line: &str) -> Option<&str> {
    let rest = line.trim_end().strip_prefix("-----BEGIN ")?;
    rest.strip_suffix("-----")
}

/// Reads headers, body and the END line; `used` counts the lines consumed.
fn read_block(lines: &[&str], label: &str) -> Option<(Block, usize)> {
    let end = format!("-----END {label}-----");
    let mut headers = Vec::new();
    let mut i = 0;
    // Headers only when the first line after BEGIN has a colon, up to a blank line.
    if lines.first().is_some_and(|l| l.contains(':')) {
        while i < lines.len() {
            let line = lines[i].trim_end();
            i += 1;
            if line.is_empty() {
                break;
            }
            let (k, v) = line.split_once(':')?;
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut body = String::new();
    while i < lines.len() {
        let line = lines[i].trim_end();
        i += 1;
        if line == end {
            let der = crate::sim::b64::STANDARD.decode(body.as_bytes()).ok()?;
            return Some((
                Block {
                    label: label.to_string(),
                    headers,
                    der,
                },
                i,
            ));
        }
        if line.starts_with("-----") {
            return None;
        }
        body.extend(line.chars().filter(|c| !c.is_ascii_whitespace()));
    }
    None
}

/// Encodes DER as a PEM block with 64-character lines.
pub fn encode(label: &str, der: &[u8]) -> String {
    let b64 = crate::sim::b64::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or(""));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_blocks_as_go_does() {
        let text = "junk\n-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\nmore\n\
                    -----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAwQ=\n-----END RSA PRIVATE KEY-----\n";
        let blocks = decode_all(text);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].label, "CERTIFICATE");
        assert_eq!(blocks[0].der, [0, 1, 2]);
        assert_eq!(
            blocks[1].headers,
            [("Proc-Type".into(), "4,ENCRYPTED".into())]
        );
        assert_eq!(blocks[1].der, [3, 4]);
    }

    #[test]
    fn broken_blocks_are_skipped_not_looped_on() {
        // The body that made der's PEM reader spin: four base64 characters of a truncated DER.
        let short = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        assert_eq!(decode_all(short)[0].der, [0x30, 0x82, 0x01]);
        for text in [
            "-----BEGIN CERTIFICATE-----\nMIIB\n",
            "-----BEGIN CERTIFICATE-----\nM!IB\n-----END CERTIFICATE-----",
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END KEY-----",
            "-----BEGIN X-----",
            "-----BEGIN -----\n-----END -----",
        ] {
            assert!(
                decode_all(text).iter().all(|b| b.label != "CERTIFICATE"),
                "{text:?}"
            );
        }
        assert!(has_begin("x\n-----BEGIN X-----\n"));
        assert!(!has_begin("-----BEGIN X----"));
    }

    #[test]
    fn encode_round_trips() {
        let der: Vec<u8> = (0..=255).collect();
        let text = encode("CERTIFICATE", &der);
        assert!(text.lines().all(|l| l.len() <= 64));
        assert_eq!(first(&text, "CERTIFICATE").unwrap(), der);
    }
}

//! Share links: a workspace and the commands sent on it, carried in a URL's fragment (which a
//! browser never sends to any server), deflated and base64url-encoded; and the credentials a
//! workspace or a command holds, found and taken out before sharing unless the user keeps them.

use crate::sim::b64::URL_SAFE_NO_PAD;

/// What a link carries.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shared {
    /// The format's version.
    pub v: u32,
    pub workspace: String,
    /// The commands sent since the cluster booted, oldest first.
    #[serde(default)]
    pub commands: Vec<String>,
}

/// The fragment's prefix: `https://host/kubegate/#share=…`.
pub const FRAGMENT_PREFIX: &str = "#share=";
/// The most a shared text may inflate to (a link is small; its contents may not be a bomb).
pub const INFLATED_MAX: usize = 64 * 1024 * 1024;
/// The longest link the page makes; above it, export a file instead.
pub const LINK_MAX: usize = 2 * 1024 * 1024;

/// The fragment for a workspace and its commands.
pub fn encode(workspace: &str, commands: &[String]) -> String {
    let json = serde_json::to_vec(&Shared {
        v: 1,
        workspace: workspace.to_string(),
        commands: commands.to_vec(),
    })
    .unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{FRAGMENT_PREFIX}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// What a fragment carries, or why it cannot be read.
pub fn decode(fragment: &str) -> Result<Shared, String> {
    let data = fragment
        .strip_prefix(FRAGMENT_PREFIX)
        .ok_or("not a kubegate share link")?;
    let packed = URL_SAFE_NO_PAD
        .decode(data.trim())
        .map_err(|_| "the link is damaged (not base64url): was it cut short?".to_string())?;
    let json =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, INFLATED_MAX).map_err(|e| {
            match e.status {
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                    format!("the link holds more than {} MB", INFLATED_MAX >> 20)
                }
                _ => "the link is damaged (it does not inflate): was it cut short?".to_string(),
            }
        })?;
    let shared: Shared = serde_json::from_slice(&json)
        .map_err(|e| format!("the link does not hold a kubegate workspace: {e}"))?;
    if shared.v != 1 {
        return Err(format!(
            "the link was made by a newer kubegate (format {})",
            shared.v
        ));
    }
    Ok(shared)
}

/// How the page keeps a large text in the browser's storage (a few MB per site): deflated and
/// base64-encoded behind this prefix. RBAC dumps and manifests shrink five to ten times.
pub const PACKED_PREFIX: &str = "kubegate-deflate1:";
/// Texts up to this size are kept as they are.
pub const PACK_OVER: usize = 64 * 1024;

/// A text as the page keeps it: itself, or packed when large (or when it would read as packed).
pub fn pack_text(text: &str) -> String {
    if text.len() <= PACK_OVER && !text.starts_with(PACKED_PREFIX) {
        return text.to_string();
    }
    // Level 1: a 10 MB text packs in a fraction of the time level 9 takes, nearly as small.
    let packed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 1);
    format!(
        "{PACKED_PREFIX}{}",
        crate::sim::b64::STANDARD.encode(packed)
    )
}

/// A text kept by [`pack_text`]; `None` when a packed one is damaged.
pub fn unpack_text(kept: &str) -> Option<String> {
    let Some(data) = kept.strip_prefix(PACKED_PREFIX) else {
        return Some(kept.to_string());
    };
    let packed = crate::sim::b64::STANDARD.decode(data).ok()?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, INFLATED_MAX).ok()?;
    String::from_utf8(bytes).ok()
}

/// One credential found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Its line in the workspace (from 1); 0 for a command.
    pub line: usize,
    /// What it is, as the page says it.
    pub what: &'static str,
}

/// What replaces a credential.
pub const REMOVED: &str = "removed-before-sharing";

/// Keys whose values are credentials wherever they appear (kubeconfig users, auth-provider
/// configs, exec env values are not covered).
const SECRET_KEYS: &[(&str, &str)] = &[
    ("token", "a bearer token"),
    ("password", "a password"),
    ("client-key-data", "a client key"),
    ("client-certificate-data", "a client certificate"),
    ("id-token", "an OIDC ID token"),
    ("refresh-token", "an OIDC refresh token"),
    ("client-secret", "an OIDC client secret"),
    ("access-token", "an access token"),
];

/// Flags of kubectl whose values are credentials.
const SECRET_FLAGS: &[(&str, &str)] =
    &[("--token", "a bearer token"), ("--password", "a password")];

/// The workspace with its credentials taken out, and what was found: kubeconfig tokens,
/// passwords, client keys and certificates; private keys (PEM) anywhere; the data of Secrets;
/// the tokens and passwords of the API server's CSV files (`--token-auth-file`,
/// `--basic-auth-file`). The layout of the text is kept: each value is replaced where it stands.
pub fn strip(text: &str) -> (String, Vec<Found>) {
    let mut out = String::with_capacity(text.len());
    let mut found = Vec::new();
    let mut kind = String::new();
    let mut in_secret_data: Option<usize> = None; // indent of the data map's keys' parent
    let mut csv_file: Option<usize> = None; // indent of the file's key
    let mut in_key = false;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let number = i + 1;
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        let trimmed = body.trim_start();
        let indent = body.len() - trimmed.len();
        if body == "---" || body.starts_with("--- ") {
            kind.clear();
            in_secret_data = None;
            csv_file = None;
            in_key = false;
            out.push_str(line);
            continue;
        }
        // A private key's body, up to its END line.
        if in_key {
            if trimmed.starts_with("-----END") {
                in_key = false;
                out.push_str(line);
            }
            continue;
        }
        if trimmed.starts_with("-----BEGIN") && trimmed.contains("PRIVATE KEY") {
            in_key = true;
            found.push(Found {
                line: number,
                what: "a private key",
            });
            out.push_str(line);
            out.push_str(&" ".repeat(indent));
            out.push_str(REMOVED);
            out.push('\n');
            continue;
        }
        if indent == 0 {
            if let Some(k) = trimmed.strip_prefix("kind:") {
                kind = k.trim().trim_matches(['"', '\'']).to_string();
            }
            in_secret_data = None;
        }
        if let Some(parent) = csv_file {
            if indent > parent && !trimmed.is_empty() {
                // `token,user,uid,"groups"` or `password,user,uid`: the first field.
                let (first, rest) = trimmed.split_once(',').unwrap_or((trimmed, ""));
                if !rest.is_empty() && first != REMOVED {
                    found.push(Found {
                        line: number,
                        what: "a token or password of the API server's CSV file",
                    });
                    out.push_str(&body[..indent]);
                    out.push_str(REMOVED);
                    out.push(',');
                    out.push_str(rest);
                    out.push_str(ending);
                    continue;
                }
            } else if !trimmed.is_empty() && indent <= parent {
                csv_file = None;
            }
        }
        if let Some(parent) = in_secret_data {
            if indent > parent && !trimmed.is_empty() && !trimmed.starts_with('#') {
                if let Some((key, value)) = trimmed.split_once(':') {
                    if !value.trim().is_empty() {
                        found.push(Found {
                            line: number,
                            what: "the data of a Secret",
                        });
                        out.push_str(&body[..indent]);
                        out.push_str(key);
                        out.push_str(": \"\"");
                        out.push_str(ending);
                        continue;
                    }
                }
            } else if !trimmed.is_empty() && indent <= parent {
                in_secret_data = None;
            }
        }
        if kind == "Secret" && (trimmed.starts_with("data:") || trimmed.starts_with("stringData:"))
        {
            in_secret_data = Some(indent);
        }
        let key_end = trimmed.find(':');
        if let Some(end) = key_end {
            let key = trimmed[..end]
                .trim_start_matches("- ")
                .trim_matches(['"', '\'']);
            let value = trimmed[end + 1..].trim();
            if key.ends_with(".csv") && value.starts_with('|') {
                csv_file = Some(indent);
            }
            if let Some((_, what)) = SECRET_KEYS.iter().find(|(k, _)| *k == key) {
                let value = value.trim_end_matches(',');
                if !value.is_empty()
                    && !value.starts_with('#')
                    && !matches!(value.trim_matches(['"', '\'']), "" | REMOVED)
                {
                    found.push(Found { line: number, what });
                    let cut = body.len() - trimmed.len() + end + 1;
                    out.push_str(&body[..cut]);
                    out.push_str(&format!(" \"{REMOVED}\""));
                    if trimmed.trim_end().ends_with(',') {
                        out.push(',');
                    }
                    out.push_str(ending);
                    continue;
                }
            }
        }
        out.push_str(line);
    }
    (out, found)
}

/// A command line with the values of `--token` and `--password` taken out (as `--token=X` or
/// `--token X`), and whether any was.
pub fn strip_command(line: &str) -> (String, bool) {
    let mut out = Vec::new();
    let mut stripped = false;
    let mut words = line.split(' ').peekable();
    while let Some(word) = words.next() {
        if let Some((flag, _)) = SECRET_FLAGS.iter().find(|(f, _)| {
            word.strip_prefix(f)
                .is_some_and(|r| r.starts_with('=') && r.len() > 1)
        }) {
            out.push(format!("{flag}={REMOVED}"));
            stripped = true;
        } else if SECRET_FLAGS.iter().any(|(f, _)| word == *f) && words.peek().is_some() {
            out.push(word.to_string());
            words.next();
            out.push(REMOVED.to_string());
            stripped = true;
        } else {
            out.push(word.to_string());
        }
    }
    (out.join(" "), stripped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_carries_the_workspace_and_commands_and_rejects_damage() {
        let ws = include_str!("../static/workspaces/default.yaml");
        let cmds = vec![
            "kubectl get pods".to_string(),
            "kubectl create -f - <<EOF\nkind: X\nEOF".into(),
        ];
        let link = encode(ws, &cmds);
        assert!(link.starts_with(FRAGMENT_PREFIX));
        // Mostly base64 certificate data, which does not compress: smaller all the same.
        assert!(link.len() < ws.len(), "{} of {}", link.len(), ws.len());
        assert!(link[FRAGMENT_PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let back = decode(&link).unwrap();
        assert_eq!((back.workspace.as_str(), back.commands), (ws, cmds));
        // Cut short, not base64, not ours.
        assert!(decode(&link[..link.len() / 2])
            .unwrap_err()
            .contains("damaged"));
        assert!(decode("#share=***").unwrap_err().contains("base64url"));
        assert!(decode("#other=abc").is_err());
        let json = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(b"[1,2]", 6));
        assert!(decode(&format!("{FRAGMENT_PREFIX}{json}"))
            .unwrap_err()
            .contains("does not hold"));
        let newer = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(
            br#"{"v":2,"workspace":""}"#,
            6,
        ));
        assert!(decode(&format!("{FRAGMENT_PREFIX}{newer}"))
            .unwrap_err()
            .contains("newer"));
        // A bomb: 100 MB of zeros in a few hundred KB stops at the limit.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; INFLATED_MAX + 1], 9);
        let link = format!("{FRAGMENT_PREFIX}{}", URL_SAFE_NO_PAD.encode(bomb));
        assert!(decode(&link).unwrap_err().contains("more than 64 MB"));
    }

    #[test]
    fn large_texts_are_kept_packed() {
        let small = "kind: Namespace\n";
        assert_eq!(pack_text(small), small);
        let dump: String = (0..5000)
            .map(|i| {
                format!(
                    "- kind: RoleBinding\n  metadata: {{name: rb-{i}, namespace: ns-{}}}\n",
                    i % 40
                )
            })
            .collect();
        let packed = pack_text(&dump);
        assert!(packed.starts_with(PACKED_PREFIX));
        assert!(
            packed.len() * 5 < dump.len(),
            "{} of {}",
            packed.len(),
            dump.len()
        );
        assert_eq!(unpack_text(&packed).as_deref(), Some(dump.as_str()));
        // A small text that looks packed is packed, so it reads back as itself.
        let odd = format!("{PACKED_PREFIX}not really");
        assert_eq!(unpack_text(&pack_text(&odd)).as_deref(), Some(odd.as_str()));
        assert_eq!(unpack_text(&format!("{PACKED_PREFIX}%%%")), None);
    }

    #[test]
    fn credentials_are_found_and_replaced_in_place() {
        let ws = include_str!("../static/workspaces/default.yaml");
        let (out, found) = strip(ws);
        assert_eq!(
            out.lines().count(),
            ws.lines().count() - removed_key_lines(ws)
        );
        let whats: Vec<&str> = found.iter().map(|f| f.what).collect();
        // The admin's client certificate and key, dev-user's token (twice: the kubeconfig and
        // /root/config), the token file's entry, jane's key is not in the workspace.
        assert!(whats.contains(&"a client key"), "{whats:?}");
        assert!(whats.contains(&"a client certificate"), "{whats:?}");
        assert_eq!(
            whats.iter().filter(|w| **w == "a bearer token").count(),
            2,
            "{whats:?}"
        );
        assert!(whats.contains(&"a token or password of the API server's CSV file"));
        for secret in [
            "8f2b6c1e-dev-user-token",
            "LS0tLS1CRUdJTiBSU0Eg",
            "LS0tLS1CRUdJTiBQUklW",
        ] {
            assert!(!out.contains(secret), "{secret} left in");
        }
        assert!(
            out.contains("certificate-authority-data: LS0t"),
            "CA data is public"
        );
        assert!(out.contains(&format!("{REMOVED},dev-user,1001,developers")));
        // What remains still reads as a workspace, and stripping again finds nothing.
        assert!(!crate::sim::workspace::parse(&out)
            .diagnostics
            .iter()
            .any(|d| d.severity == crate::sim::workspace::Severity::Error));
        assert_eq!(strip(&out).1, []);
        for f in &found {
            assert!(f.line >= 1 && f.line <= ws.lines().count());
        }
    }

    fn removed_key_lines(ws: &str) -> usize {
        // PEM key bodies are dropped (one placeholder line each).
        let mut n = 0;
        let mut inside = false;
        for l in ws.lines() {
            if l.contains("-----BEGIN") && l.contains("PRIVATE KEY") {
                inside = true;
                n -= 1;
            } else if inside && l.contains("-----END") {
                inside = false;
            } else if inside {
                n += 1;
            }
        }
        n.max(0) as usize
    }

    #[test]
    fn secrets_keys_and_flags() {
        let ws = "\
apiVersion: v1
kind: Secret
metadata: {name: s}
data:
  password: cGFzcw==
  # a comment
stringData:
  note: hello
type: Opaque
---
apiVersion: v1
kind: ConfigMap
data:
  token: not-a-secret-here
---
kind: ControlPlane
spec:
  files:
    /etc/kubernetes/basic.csv: |
      s3cret,alice,1001
    /root/k.pem: |
      -----BEGIN EC PRIVATE KEY-----
      MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49
      -----END EC PRIVATE KEY-----
";
        let (out, found) = strip(ws);
        assert!(!out.contains("cGFzcw=="), "{out}");
        assert!(!out.contains("hello"));
        assert!(!out.contains("s3cret"));
        assert!(!out.contains("MHcCAQ"));
        assert!(out.contains("  # a comment\n"));
        assert!(out.contains("type: Opaque"));
        let lines: Vec<usize> = found.iter().map(|f| f.line).collect();
        assert_eq!(lines, [5, 8, 14, 20, 22], "{found:?}");
        // A ConfigMap's key named token is still a `token:` key: it is taken out too (the
        // page errs on the side of not sharing).
        let (cmd, hit) = strip_command("kubectl --token=abc get pods --password hunter2");
        assert!(hit);
        assert_eq!(
            cmd,
            format!("kubectl --token={REMOVED} get pods --password {REMOVED}")
        );
        assert_eq!(
            strip_command("kubectl get pods"),
            ("kubectl get pods".into(), false)
        );
    }
}

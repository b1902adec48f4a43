//! The entry points the fuzzers drive (`tests/fuzz/`, cargo-fuzz with libFuzzer) and that
//! `cargo test` replays on the kept corpus (`tests/hostile.rs`): each takes arbitrary bytes and feeds
//! them to one reader of user input. None may panic, hang or take memory without bound; what
//! they return is ignored.
//! See <https://rust-fuzz.github.io/book/cargo-fuzz.html>.

use std::cell::RefCell;

use super::http::HttpRequest;
use super::session::Session;

/// A fuzz target: any bytes in, nothing out.
pub type Target = fn(&[u8]);

/// The fuzz targets, by name (the file names under `tests/fuzz/fuzz_targets/` and
/// `tests/fuzz-corpus/`).
pub const TARGETS: &[(&str, Target)] = &[
    ("workspace", workspace),
    ("kubectl", kubectl),
    ("script", script),
    ("request", request),
    ("pem", pem),
    ("jwt", jwt),
    ("csv", csv),
    ("patch", patch),
    ("pipeline", pipeline),
    ("cel", cel),
];

const DEFAULT: &str = include_str!("../../static/workspaces/default.yaml");

fn text(data: &[u8]) -> &str {
    std::str::from_utf8(data).unwrap_or_else(|e| {
        // Invalid UTF-8 is reported with a position; the valid prefix is still worth reading.
        let _ = super::yaml::from_utf8(data);
        std::str::from_utf8(&data[..e.valid_up_to()]).unwrap_or("")
    })
}

thread_local! {
    /// The default workspace, booted once per thread (booting takes milliseconds, inputs
    /// microseconds); each input works on a copy.
    static BOOTED: RefCell<Option<Session>> = const { RefCell::new(None) };
}

fn fresh_session() -> Option<Session> {
    BOOTED.with(|b| {
        let mut b = b.borrow_mut();
        if b.is_none() {
            *b = Session::new(DEFAULT).ok();
        }
        b.clone()
    })
}

/// A workspace text: parse it, and boot it when it parses.
pub fn workspace(data: &[u8]) {
    let t = text(data);
    if let Ok(mut s) = Session::new(t) {
        // A booted workspace answers a first command.
        let _ = s.kubectl("kubectl get pods -A", None);
    }
}

/// One kubectl command line (with the shell subset: quotes, `$(…)`, redirections).
pub fn kubectl(data: &[u8]) {
    let Some(mut s) = fresh_session() else { return };
    let t = text(data);
    let (line, stdin) = match t.split_once('\n') {
        Some((l, rest)) => (l, Some(rest)),
        None => (t, None),
    };
    let _ = s.kubectl(&format!("kubectl {line}"), stdin);
}

/// A script: lines of commands with here-documents.
pub fn script(data: &[u8]) {
    let Some(mut s) = fresh_session() else { return };
    let _ = s.script(text(data));
}

/// A raw HTTP request: `METHOD PATH`, header lines, a blank line, the body.
pub fn request(data: &[u8]) {
    let Some(mut s) = fresh_session() else { return };
    let t = text(data);
    let (head, body) = t.split_once("\n\n").unwrap_or((t, ""));
    let mut lines = head.lines();
    let first = lines.next().unwrap_or("");
    let (method, path) = first.split_once(' ').unwrap_or((first, "/"));
    let mut req = HttpRequest::new(method, path);
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            req.headers
                .push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    if !body.is_empty() {
        req.body = Some(body.to_string());
    }
    let _ = s.request(&req);
}

/// PEM and DER: certificates, requests, key pairs, the page's decoder.
pub fn pem(data: &[u8]) {
    let t = text(data);
    for block in super::pem::decode_all(t) {
        let _ = <x509_cert::Certificate as x509_cert::der::Decode>::from_der(&block.der);
    }
    let _ = super::authn::x509::parse_bundle(t);
    let _ = super::certs::parse_request(t);
    let mut half = t.len() / 2;
    while !t.is_char_boundary(half) {
        half -= 1;
    }
    let (cert, key) = t.split_at(half);
    let _ = super::tls::client_handshake(cert, key);
    let _ = super::tls::server_accept(&super::tls::ClientCertificate {
        chain: vec![data.to_vec()],
        signature: data.to_vec(),
    });
    let _ = super::decode::describe(t, 1_795_946_400);
}

/// Bearer tokens: JWTs (through the service-account authenticator) and the decoder.
pub fn jwt(data: &[u8]) {
    let Some(mut s) = fresh_session() else { return };
    let t = text(data);
    let mut req = HttpRequest::new("GET", "/api/v1/namespaces/blue/pods");
    req.headers
        .push(("Authorization".into(), format!("Bearer {t}")));
    let _ = s.request(&req);
    let _ = super::decode::describe(t, 1_795_946_400);
}

/// CSV files (the token and password files) and ABAC policy lines.
pub fn csv(data: &[u8]) {
    let t = text(data);
    let _ = super::authn::TokenFile::parse("/f.csv", t);
    let _ = super::authz::abac::parse(t);
}

/// CEL: the first line is the expression, the rest the object (JSON) it runs against.
pub fn cel(data: &[u8]) {
    let t = text(data);
    let (expr, object) = t.split_once('\n').unwrap_or((t, "{}"));
    let object = serde_json::from_str(object).unwrap_or(serde_json::Value::Null);
    let decls = super::cel::Declarations {
        variables: vec!["object", "oldObject"],
        mutation: false,
    };
    if let Ok(p) = super::cel::Program::compile(expr, &decls, super::cel::Want::Any) {
        let null = serde_json::Value::Null;
        let _ = p.eval(
            &[("object", &object), ("oldObject", &null)],
            super::cel::PER_CALL_LIMIT,
        );
    }
}

/// Patches: the first line is the document (JSON), the rest the patch, applied as JSON patch,
/// merge patch and strategic merge patch.
pub fn patch(data: &[u8]) {
    let t = text(data);
    let (doc, patch) = t.split_once('\n').unwrap_or((t, "{}"));
    let (Ok(doc), Ok(patch)) = (
        serde_json::from_str::<serde_json::Value>(doc),
        serde_json::from_str::<serde_json::Value>(patch),
    ) else {
        return;
    };
    let _ = super::patch::json_patch(&doc, &patch);
    let _ = super::patch::merge(&doc, &patch);
    let _ = super::patch::strategic(&doc, &patch);
    let _ = super::patch::three_way(Some(&doc), &patch, &doc);
}

/// The whole pipeline: a workspace (up to a line `===`), then commands against it.
pub fn pipeline(data: &[u8]) {
    let t = text(data);
    let (ws, commands) = t.split_once("\n===\n").unwrap_or((DEFAULT, t));
    let Ok(mut s) = Session::new(ws) else { return };
    let _ = s.script(commands);
}

#[cfg(test)]
mod tests {
    /// A panic here fails the test: every target must take any bytes.
    #[test]
    fn every_target_takes_empty_and_odd_input() {
        for (_, target) in super::TARGETS {
            for input in [&b""[..], b"\xff\xfe", b"\0", b"---\n- - -\n", b"kubectl"] {
                target(input);
            }
        }
    }
}

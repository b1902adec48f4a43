//! Hostile input: each case is something a learner might paste (or a fuzzer found), with the
//! exact error kubegate must give. Every case runs on its own thread with a time bound (a case
//! that does not finish in time is a hang), under an allocator that counts the bytes in use and
//! refuses to go past a ceiling (a case that needs more is unbounded memory). The figures are
//! bounds for a failure, not measurements of speed.
//!
//! The fuzzers' kept corpus (`tests/fuzz-corpus/<target>/`) is replayed the same way.

use std::alloc::System;
use std::sync::mpsc;
use std::time::Duration;

use cap::Cap;
use kubegate::sim::http::HttpRequest;
use kubegate::sim::session::Session;
use kubegate::sim::workspace;

/// Counts the bytes in use; each case gets a ceiling above what is in use when it starts, and
/// an allocation past it fails (the process aborts: unbounded memory is a failure).
#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

/// Runs `f` on a thread with a big stack (as the tests' own threads would not have), with at
/// most `memory` more bytes in use than when it started, and waits at most `limit`.
fn bounded<T: Send + 'static>(
    name: &str,
    limit: Duration,
    memory: usize,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let _ = ALLOCATOR.set_limit(ALLOCATOR.allocated().saturating_add(memory));
    let (tx, rx) = mpsc::channel();
    let name = name.to_string();
    let spawned = std::thread::Builder::new()
        .name(name.clone())
        .stack_size(8 << 20)
        .spawn(move || {
            let _ = tx.send(f());
        });
    assert!(spawned.is_ok(), "{name}: no thread");
    let result = rx.recv_timeout(limit);
    let _ = ALLOCATOR.set_limit(usize::MAX);
    match result {
        Ok(v) => v,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{name}: no answer within {limit:?} (a hang)")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{name}: panicked"),
    }
}

/// The first error diagnostic of a workspace, as `LINE:COLUMN: message`.
fn first_error(text: String) -> Option<String> {
    workspace::parse(&text)
        .diagnostics
        .into_iter()
        .find(|d| d.severity == workspace::Severity::Error)
        .map(|d| format!("{}:{}: {}", d.pos.line, d.pos.column, d.message))
}

const DEFAULT: &str = include_str!("../static/workspaces/default.yaml");

/// A workspace: the exact first error it must give.
fn workspace_cases() -> Vec<(&'static str, String, &'static str)> {
    let laughs = {
        let mut t = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (prev, next) in ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
            .windows(2)
            .map(|w| (w[0], w[1]))
        {
            t.push_str(&format!(
                "{next}: &{next} [{}]\n",
                vec![format!("*{prev}"); 9].join(",")
            ));
        }
        t
    };
    vec![
        (
            "block sequences nested 20,000 deep",
            "- ".repeat(20_000) + "x\n",
            "1:257: exceeded max depth of 128 (kubegate's limit; kube-apiserver's is 10000)",
        ),
        (
            "flow sequences nested 100,000 deep",
            "[".repeat(100_000),
            // The YAML reader's own bound on flow collections, met before kubegate's.
            "1:256: recursion limit exceeded",
        ),
        ("billion laughs", laughs, "4:8: document contains excessive aliasing"),
        (
            "a duplicate key",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n".into(),
            "5:3: key \"name\" already set in map",
        ),
        (
            "a NUL byte",
            "apiVersion: v1\nkind: Namespace\x00\n".into(),
            "2:16: control characters are not allowed",
        ),
        (
            "a time past the year 9999",
            "apiVersion: kubegate.dev/v1alpha1\nkind: ControlPlane\nspec:\n  clock: \"9999-12-31T23:59:59Z\"\n---\napiVersion: v1\nkind: List\nitems: 7\n".into(),
            "8:8: items must be a list, not number",
        ),
        (
            "a huge replica count",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: default}\nspec:\n  replicas: 1e+23\n".into(),
            "5:13: json: cannot unmarshal number 1e+23 into Go struct field DeploymentSpec.spec.replicas of type int32",
        ),
        (
            "Secret data that is not base64",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: default}\ndata: {k: \"abc\"}\n".into(),
            "4:11: illegal base64 data at input byte 0",
        ),
        (
            "a list kind nothing maps",
            "apiVersion: v1\nkind: FooList\nitems: []\n".into(),
            "2:7: no matches for kind \"FooList\" in version \"v1\"",
        ),
        (
            "a PEM body of four characters in --client-ca-file",
            "apiVersion: kubegate.dev/v1alpha1\nkind: ControlPlane\nspec:\n  apiServer:\n    args: [--client-ca-file=/ca.crt]\n  files:\n    /ca.crt: |\n      -----BEGIN CERTIFICATE-----\n      MIIB\n      -----END CERTIFICATE-----\n".into(),
            "5:12: --client-ca-file: /ca.crt: invalid certificate: ",
        ),
    ]
}

#[test]
fn hostile_workspaces_get_their_exact_error() {
    for (name, text, want) in workspace_cases() {
        let size = text.len();
        let got = bounded(
            name,
            Duration::from_secs(20),
            64 * size + (64 << 20),
            move || {
                // The booted cluster too: the clock, certificates and files are read at boot.
                let boot = Session::new(&text).err().and_then(|d| {
                    d.into_iter()
                        .find(|d| d.severity == workspace::Severity::Error)
                        .map(|d| format!("{}:{}: {}", d.pos.line, d.pos.column, d.message))
                });
                first_error(text).or(boot)
            },
        );
        let got = got.unwrap_or_default();
        assert!(got.starts_with(want), "{name}: got {got:?}, want {want:?}");
    }
}

/// kubectl lines and their exact output (stderr, exit code) on the default workspace.
#[test]
fn hostile_command_lines_get_their_exact_error() {
    let copy_bomb = {
        let mut ops = vec![
            r#"{"op":"add","path":"/data/x","value":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}"#
                .to_string(),
        ];
        ops.push(r#"{"op":"add","path":"/data/y","value":[]}"#.into());
        for _ in 0..30 {
            ops.push(r#"{"op":"copy","from":"/data","path":"/data/y/-"}"#.into());
        }
        format!(
            "kubectl patch configmap kube-root-ca.crt --type=json -p '[{}]'",
            ops.join(",")
        )
    };
    let cases: Vec<(String, &str, i32)> = vec![
        ("kubectl delete pods -A -l '!'".into(), "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"!\", field selector \"\": unable to parse requirement: found '', expected: identifier\n", 1),
        ("kubectl delete pods -A -l ',,,'".into(), "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \",,,\", field selector \"\": found ',', expected: !, identifier, or 'end of string'\n", 1),
        ("kubectl delete pods -A -l ''".into(), "error: resource(s) were provided, but no name was specified\n", 1),
        ("kubectl get pods -l 'app in (web'".into(), "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"app in (web\", field selector \"\": unable to parse requirement: found '', expected: ',' or ')'\n", 1),
        ("kubectl get pods -v=abc".into(), "error: invalid argument \"abc\" for \"-v, --v\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax\nSee 'kubectl get --help' for usage.\n", 1),
        (copy_bomb, "The request is invalid: the server rejected our request due to an error in our request\n", 1),
        ("kubectl get ns -o jsonpath='{....name}'".into(), "error: error parsing jsonpath {....name}, invalid multiple recursive descent\n", 1),
    ];
    for (line, want_err, want_code) in cases {
        let name = line.chars().take(40).collect::<String>();
        let out = bounded(&name, Duration::from_secs(20), 256 << 20, move || {
            let mut s = Session::new(DEFAULT).expect("the default workspace boots");
            s.kubectl(&line, None)
        });
        assert_eq!(
            (out.stderr.as_str(), out.exit_code),
            (want_err, want_code),
            "{name}"
        );
    }
}

/// Raw requests and the exact status they get.
#[test]
fn hostile_requests_get_their_exact_status() {
    let big = format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"big\"}},\"data\":{{\"a\":\"{}\"}}}}",
        "x".repeat(3 * 1024 * 1024)
    );
    let too_many = format!(
        "[{}]",
        vec![r#"{"op":"test","path":"/data","value":{}}"#; 10_001].join(",")
    );
    let cases: Vec<(&str, &str, &str, String, u16, &str)> = vec![
        ("POST", "/api/v1/namespaces/default/configmaps", "application/json", big, 413, "Request entity too large: limit is 3145728"),
        ("PATCH", "/api/v1/namespaces/default/configmaps/kube-root-ca.crt", "application/json-patch+json", too_many, 413, "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001"),
        ("PATCH", "/api/v1/namespaces/default/configmaps/kube-root-ca.crt", "application/strategic-merge-patch+json", r#"{"data":{"$patch":"foo"}}"#.into(), 500, "unknown patch type: foo in map: map[$patch:foo]"),
        // Found by the fuzzer: a merge patch that is a string made the object one (a panic).
        ("PATCH", "/api/v1/namespaces/default/configmaps/kube-root-ca.crt", "application/merge-patch+json", r#""abc""#.into(), 422, r#" "" is invalid: patch: Invalid value: "\"abc\"": couldn't get version/kind; json parse error: json: cannot unmarshal string into Go value of type struct { APIVersion string "json:\"apiVersion,omitempty\""; Kind string "json:\"kind,omitempty\"" }"#),
        ("POST", "/api/v1/namespaces/default/configmaps", "application/json", r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"rv","resourceVersion":"7"}}"#.into(), 500, "resourceVersion should not be set on objects to be created"),
        ("GET", "/api/v1/pods?labelSelector=a%3Db%3Dc", "", String::new(), 400, "found '=', expected: ',' or 'end of string'"),

        ("GET", "/api/v1/pods?fieldSelector=a%3Db%5C", "", String::new(), 400, "invalid field selector: invalid escape sequence: \\"),
    ];
    for (method, path, ct, body, code, message) in cases {
        let name = format!("{method} {path}");
        let resp = bounded(&name, Duration::from_secs(20), 256 << 20, move || {
            let mut s = Session::new(DEFAULT).expect("boots");
            let mut req = HttpRequest::new(method, path);
            if !ct.is_empty() {
                req.headers.push(("Content-Type".into(), ct.into()));
            }
            if !body.is_empty() {
                req.body = Some(body);
            }
            // As the default workspace's admin, with its certificate and key.
            let cert = kubegate::sim::tls::client_handshake(
                kubegate::sim::controlplane::KUBEADM_ADMIN_CRT,
                kubegate::sim::controlplane::KUBEADM_ADMIN_KEY,
            )
            .ok();
            req.client_certificate = cert;
            s.request(&req).response
        });
        assert_eq!(resp.code, code, "{name}: {}", resp.body);
        let got = resp.body["message"].as_str().unwrap_or("");
        assert_eq!(got, message, "{name}");
    }
}

/// Patches can nest an object deeper than any body may (each body is bounded, but a second
/// patch can add under the first): stored objects stay within the parsers' depth.
#[test]
fn patches_cannot_nest_an_object_past_the_depth_limit() {
    let resp = bounded("deep patches", Duration::from_secs(20), 256 << 20, || {
        let mut s = Session::new(DEFAULT).expect("boots");
        let patch = |s: &mut Session, body: String| {
            let mut req = HttpRequest::new(
                "PATCH",
                "/api/v1/namespaces/default/configmaps/kube-root-ca.crt",
            );
            req.headers
                .push(("Content-Type".into(), "application/json-patch+json".into()));
            req.client_certificate = kubegate::sim::tls::client_handshake(
                kubegate::sim::controlplane::KUBEADM_ADMIN_CRT,
                kubegate::sim::controlplane::KUBEADM_ADMIN_KEY,
            )
            .ok();
            req.body = Some(body);
            s.request(&req).response
        };
        let nested = |n: usize| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
        let first = patch(
            &mut s,
            format!(
                "[{{\"op\":\"add\",\"path\":\"/x\",\"value\":{}}}]",
                nested(100)
            ),
        );
        assert_eq!(first.code, 200, "{}", first.body);
        let path = "/a".repeat(99);
        patch(
            &mut s,
            format!(
                "[{{\"op\":\"add\",\"path\":\"/x{path}/b\",\"value\":{}}}]",
                nested(100)
            ),
        )
    });
    assert_eq!(resp.code, 422);
    assert_eq!(
        resp.body["message"],
        "kubegate stores objects nested at most 128 levels deep (this one is 201)"
    );
}

/// Every input the fuzzers kept (`tests/fuzz-corpus/<target>/`), through its target.
#[test]
fn the_fuzz_corpus_replays_without_panic_hang_or_blow_up() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let mut seen = 0;
    for (target, run) in kubegate::sim::fuzz::TARGETS {
        let Ok(dir) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        let mut files: Vec<_> = dir.flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files {
            let data = std::fs::read(&f).expect("readable corpus file");
            let size = data.len();
            let run = *run;
            let name = format!(
                "{target}/{}",
                f.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            );
            bounded(
                &name,
                Duration::from_secs(20),
                64 * size + (256 << 20),
                move || run(&data),
            );
            seen += 1;
        }
    }
    assert!(seen > 0, "no corpus under {}", root.display());
}

//! Bad input never panics: truncated workspaces, odd command lines and odd raw requests all
//! give an error (or an answer), never a crash — a panic would be a blank page in the browser.

use kubegate::sim::http::HttpRequest;
use kubegate::sim::session::Session;
use kubegate::sim::workspace;

const DEFAULT: &str = include_str!("../static/workspaces/default.yaml");

#[test]
fn every_prefix_of_the_default_workspace_parses_or_reports() {
    let mut errors = 0;
    let mut cut = 0;
    while cut < DEFAULT.len() {
        if DEFAULT.is_char_boundary(cut) {
            let parsed = workspace::parse(&DEFAULT[..cut]);
            if parsed.workspace.is_none() {
                errors += 1;
                assert!(
                    !parsed.diagnostics.is_empty(),
                    "no diagnostic for a failed parse at {cut}"
                );
                for d in &parsed.diagnostics {
                    assert!(d.pos.line >= 1 || d.message.contains("built-in"), "{d:?}");
                }
            }
        }
        cut += 13;
    }
    assert!(errors > 0, "some prefixes must be invalid");
}

#[test]
fn odd_command_lines_give_errors_not_panics() {
    let mut s = Session::new(DEFAULT).unwrap();
    for line in [
        "",
        "kubectl",
        "kubectl get",
        "kubectl get pods -o",
        "kubectl get 'pods",
        "kubectl --as= get pods",
        "kubectl auth can-i get /",
        "kubectl auth can-i '' ''",
        "kubectl get pods/",
        "kubectl delete pod/",
        "kubectl create -f /",
        "kubectl create -f ''",
        "kubectl get pöds",
        "kubectl get pods -n ''",
        "kubectl get pods -n 'a b'",
        "kubectl -n",
        "kubectl --context",
        "kubectl run '' --image=x",
        "kubectl run x --image=''",
        "kubectl get pods -o jsonpath={}",
        "kubectl get ns --all-namespaces=maybe",
        "kubectl create -f - ",
        "kubectl delete",
        "kubectl delete pods",
        "kubectl get pods -l '!!!'",
        "kubectl get pods --field-selector metadata.name=x",
        "kubectl auth can-i create pods --as ''",
        "kubectl auth can-i create pods --as-group g",
        "kubectl --as system:serviceaccount:: get pods",
        "kubectl --as system:serviceaccount:a:b:c get pods",
        "kubectl get pods -A -n blue",
        "kubectl config use-context",
        "kubectl config use-context nope",
        "kubectl version",
        "kubectl get --raw /",
        "kubectl -o get",
        "kubectl --image=x -o run",
        "kubectl auth --subresource can-i",
        "kubectl -l delete",
        "kubectl get \u{1F600}",
        "kubectl \\",
    ] {
        let out = s.kubectl(line, None);
        assert!(
            out.exit_code != 0
                || !out.stdout.is_empty()
                || !out.stderr.is_empty()
                || line.contains("-q"),
            "{line:?} printed nothing"
        );
    }
}

#[test]
fn odd_raw_requests_get_a_status() {
    let mut s = Session::new(DEFAULT).unwrap();
    for (method, path) in [
        ("GET", "/"),
        ("GET", "//"),
        ("GET", "/api/v1/namespaces//pods"),
        ("GET", "/apis/%ZZ"),
        ("POST", "/api/v1/namespaces/blue/pods"),
        ("PUT", "/api/v1/nodes/x"),
        ("BREW", "/api/v1/pods"),
        ("GET", "/api/v1/watch"),
        ("DELETE", "/api/v1/namespaces/blue"),
        ("GET", "/api/v1/namespaces/blue/pods/orange/log"),
        (
            "GET",
            "/apis/apps/v1/namespaces/blue/deployments?labelSelector=%%%",
        ),
        ("GET", "/version"),
    ] {
        let mut req = HttpRequest::new(method, path);
        req.headers.push(("Impersonate-Extra-é".into(), "x".into()));
        req.headers.push(("Impersonate-Exträ-".into(), "x".into()));
        req.headers.push(("Impersonate-Extraäx".into(), "x".into()));
        req.body = Some("{not json".into());
        let t = s.request(&req);
        assert!(t.response.code >= 200, "{method} {path}");
        let mut admin = HttpRequest::new(method, path);
        admin.client_certificate = Some(kubegate::sim::tls::ClientCertificate {
            chain: vec![b"nope".to_vec()],
            signature: Vec::new(),
        });
        let t = s.request(&admin);
        assert_eq!(
            (t.response.code, t.response.body.as_str()),
            (0, Some("remote error: tls: error decoding message")),
            "{method} {path}: a certificate that does not parse ends the TLS handshake"
        );
    }
}

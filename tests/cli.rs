//! The command-line contract of DESIGN.md: exit codes, `FILE:LINE:COLUMN` workspace errors,
//! the `--trace json` shape, and raw requests.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn kubegate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubegate"))
        .args(args)
        .output()
        .unwrap()
}

fn temp_file(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("kubegate-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_workspace_that_does_not_parse_exits_2_with_file_line_column() {
    let ws = temp_file(
        "bad.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [x\n",
    );
    let out = kubegate(&["-w", &ws, "kubectl", "get", "pods"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let first = err.lines().next().unwrap();
    assert!(first.starts_with(&format!("{ws}:5:1: ")), "{err}");
    assert!(out.stdout.is_empty());

    let ws = temp_file(
        "kind.yaml",
        "apiVersion: v1\nkind: Potato\nmetadata:\n  name: x\n",
    );
    let out = kubegate(&["-w", &ws, "kubectl", "get", "pods"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("{ws}:2:7: no matches for kind \"Potato\" in version \"v1\"\n")
    );
}

#[test]
fn kubectl_exit_codes_and_streams_are_kubectls() {
    let out = kubegate(&[
        "kubectl",
        "--context",
        "dev",
        "-n",
        "default",
        "get",
        "pods",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error from server (Forbidden): pods is forbidden: User \"dev-user\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"\n"
    );
    let out = kubegate(&["kubectl", "--context", "dev", "create", "-f", "pod.yaml"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "pod/blue created\n");
}

#[test]
fn trace_json_has_the_documented_shape() {
    let out = kubegate(&[
        "--trace",
        "json",
        "kubectl",
        "--context",
        "dev",
        "create",
        "-f",
        "pod.yaml",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["output"]["stdout"], "pod/blue created\n");
    assert_eq!(doc["output"]["stderr"], "");
    assert_eq!(doc["output"]["exitCode"], 0);
    let req = &doc["requests"][0];
    assert_eq!(req["method"], "POST");
    assert!(req["path"]
        .as_str()
        .unwrap()
        .starts_with("/api/v1/namespaces/blue/pods"));
    let a = &req["attributes"];
    assert_eq!(a["isResourceRequest"], true);
    assert_eq!(a["verb"], "create");
    assert_eq!(a["apiPrefix"], "api");
    assert_eq!(a["apiGroup"], "");
    assert_eq!(a["apiVersion"], "v1");
    assert_eq!(a["namespace"], "blue");
    assert_eq!(a["resource"], "pods");
    assert_eq!(req["user"]["username"], "dev-user");
    assert_eq!(req["user"]["uid"], "1001");
    assert_eq!(
        req["user"]["groups"],
        serde_json::json!(["developers", "system:authenticated"])
    );
    let stages: Vec<&str> = req["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        [
            "authentication",
            "authorization",
            "mutating-admission",
            "validation",
            "validating-admission",
            "storage"
        ]
    );
    for s in req["stages"].as_array().unwrap() {
        for key in ["stage", "plugin", "decision", "reason"] {
            assert!(s.get(key).is_some(), "stage lacks {key}: {s}");
        }
    }
    assert_eq!(req["stages"][1]["decision"], "allow");
    assert_eq!(
        req["stages"][1]["reason"],
        "RBAC: allowed by RoleBinding \"dev-user-developer-binding/blue\" of Role \"developer\" to User \"dev-user\""
    );
    assert_eq!(req["response"]["code"], 201);
    assert_eq!(req["response"]["body"]["kind"], "Pod");
    // A plugin that changed the pod carries the change as a JSON patch and as fields before
    // and after; one that changed nothing carries neither.
    let step = |name: &str| {
        req["stages"][2]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["plugin"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        step("Priority")["patch"],
        serde_json::json!([
            {"op": "add", "path": "/spec/priority", "value": 0},
            {"op": "add", "path": "/spec/preemptionPolicy", "value": "PreemptLowerPriority"}
        ])
    );
    assert_eq!(
        step("Priority")["changes"],
        serde_json::json!([
            {"path": "/spec/priority", "after": 0},
            {"path": "/spec/preemptionPolicy", "after": "PreemptLowerPriority"}
        ])
    );
    let lifecycle = step("NamespaceLifecycle");
    assert_eq!(lifecycle["decision"], "allow");
    assert!(lifecycle.get("patch").is_none() && lifecycle.get("changes").is_none());
}

#[test]
fn script_runs_lines_in_order_with_heredocs() {
    let script = temp_file(
        "s.sh",
        "# comment\nkubectl create -f - <<EOF\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: red\nEOF\nkubectl get ns red -o name\n",
    );
    let out = kubegate(&["script", &script]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "namespace/red created\nnamespace/red\n"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn kubectl_reads_stdin_for_dash_f_dash() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubegate"))
        .args(["kubectl", "create", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: dashboard-sa\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "serviceaccount/dashboard-sa created\n"
    );
}

#[test]
fn raw_requests_show_401_403_and_anonymous() {
    // A bearer token nobody knows: 401, never anonymous.
    let out = kubegate(&[
        "--trace",
        "json",
        "request",
        "GET",
        "/api/v1/namespaces/blue/pods",
        "-H",
        "Authorization: Bearer nope",
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let req = &doc["requests"][0];
    assert_eq!(req["response"]["code"], 401);
    assert_eq!(
        serde_json::to_string(&req["response"]["body"]).unwrap(),
        r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#
    );
    assert!(req["user"].is_null());
    // No credentials at all: anonymous, which RBAC lets read /healthz but not pods.
    let out = kubegate(&["request", "GET", "/healthz"]);
    assert_eq!(out.status.code(), Some(0));
    let out = kubegate(&[
        "--trace",
        "json",
        "request",
        "GET",
        "/api/v1/namespaces/blue/pods",
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["requests"][0]["user"]["username"], "system:anonymous");
    assert_eq!(doc["requests"][0]["response"]["code"], 403);
    assert_eq!(
        doc["requests"][0]["response"]["body"]["message"],
        "pods is forbidden: User \"system:anonymous\" cannot list resource \"pods\" in API group \"\" in the namespace \"blue\""
    );
}

#[test]
fn the_engine_does_not_depend_on_web_crates() {
    // src/sim must stay usable natively: no yew, web-sys, wasm-bindgen or gloo.
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sim"),
        &mut files,
    );
    assert!(files.len() > 10);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for word in ["yew", "web_sys", "wasm_bindgen", "gloo"] {
            let hit = text.lines().any(|l| {
                let code = l.split("//").next().unwrap_or("");
                code.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .any(|w| w == word)
            });
            assert!(!hit, "{} mentions {word}", f.display());
        }
    }
}

#[test]
fn the_page_and_the_cli_give_the_same_output() {
    use kubegate::ui::engine::LocalPage;
    use kubegate::ui::state::{Action, DEFAULT_COMMAND, DEFAULT_WORKSPACE};
    let commands = [
        DEFAULT_COMMAND,
        "kubectl --context dev get pods",
        "kubectl --context dev -n default get pods",
        "kubectl auth can-i create pods --as dev-user -n blue",
        "kubectl get pod blue -n blue -o yaml",
        "kubectl delete pod blue -n blue",
    ];
    let mut page = LocalPage::new(DEFAULT_WORKSPACE, "");
    let mut page_out = String::new();
    let mut page_err = String::new();
    for c in commands {
        page.apply(Action::EditCommand(c.into()));
        page.apply(Action::Send);
        let run = page.last_run().unwrap();
        page_out.push_str(&run.outcome.stdout);
        page_err.push_str(&run.outcome.stderr);
    }
    let script = temp_file("same.sh", &commands.join("\n"));
    let out = kubegate(&["script", &script]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), page_out);
    assert_eq!(String::from_utf8_lossy(&out.stderr), page_err);
    assert!(page_out.contains("pod/blue created\n"));
    assert!(page_err.contains("Forbidden"));
}

#[test]
fn deletecollection_removes_what_the_selector_matches() {
    let script = temp_file(
        "dc.sh",
        "kubectl run a --image=nginx -l app=web\nkubectl run b --image=nginx -l app=db\n",
    );
    let out = kubegate(&["script", &script]);
    assert_eq!(out.status.code(), Some(0));
    // Each CLI run boots afresh, so create and delete in one request trace via the session.
    let mut s =
        kubegate::sim::session::Session::new(include_str!("../static/workspaces/default.yaml"))
            .unwrap();
    s.kubectl("kubectl run a --image=nginx -l app=web", None);
    s.kubectl("kubectl run b --image=nginx -l app=db", None);
    let req = kubegate::sim::http::HttpRequest::new(
        "DELETE",
        "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb",
    );
    let mut admin = req.clone();
    admin.client_certificate = kubegate::sim::tls::client_handshake(
        kubegate::sim::controlplane::KUBEADM_ADMIN_CRT,
        kubegate::sim::controlplane::KUBEADM_ADMIN_KEY,
    )
    .ok();
    let t = s.request(&admin);
    assert_eq!(t.attributes.verb, "deletecollection");
    assert_eq!(t.response.code, 200);
    assert_eq!(t.response.body["kind"], "PodList");
    assert_eq!(t.response.body["items"].as_array().unwrap().len(), 1);
    let left = s.kubectl("kubectl get pods -o name", None);
    assert_eq!(left.stdout, "pod/b\n");
    // Without credentials the same request is forbidden for the anonymous user.
    let t = s.request(&req);
    assert_eq!(t.response.code, 403);
}

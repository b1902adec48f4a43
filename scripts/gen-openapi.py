#!/usr/bin/env python3
"""Regenerate static/openapi/v1.37.json, the API schemas behind `kubectl explain`.

Source: the JSON schemas of Kubernetes v1.37.0 shipped in the PyPI package
kubernetes-validate==1.37.0 (generated from the upstream OpenAPI spec). They are turned back into
OpenAPI v3 component schemas: nullable type lists become one type, `$ref`s point at
#/components/schemas/, a `$ref` with a description becomes `allOf: [{$ref}]` plus the description
(as the upstream v3 documents write it), and the `enum` that the JSON-schema generator added to
apiVersion/kind is dropped. Developer tool only: the output is committed, the build never runs it.

    python3 scripts/gen-openapi.py
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
import zipfile

VERSION = "1.37.0"
KEEP = {"description", "type", "format", "items", "additionalProperties", "properties",
        "required", "x-kubernetes-group-version-kind", "allOf", "oneOf", "$ref"}


def load_definitions():
    tmp = os.path.join(tempfile.gettempdir(), "kubegate-openapi")
    wheels = glob.glob(os.path.join(tmp, f"kubernetes_validate-{VERSION}-*.whl"))
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q",
                        f"kubernetes-validate=={VERSION}", "-d", tmp], check=True)
        wheels = glob.glob(os.path.join(tmp, f"kubernetes_validate-{VERSION}-*.whl"))
    with zipfile.ZipFile(wheels[0]) as z:
        name = f"kubernetes_validate/kubernetes-json-schema/v{VERSION}-local/_definitions.json"
        return json.loads(z.read(name))["$defs"]


def convert(s):
    if isinstance(s, list):
        return [convert(x) for x in s]
    if not isinstance(s, dict):
        return s
    out = {}
    for k, v in s.items():
        if k not in KEEP:
            continue
        if k == "type" and isinstance(v, list):
            v = [t for t in v if t != "null"]
            v = v[0] if len(v) == 1 else v
        elif k == "$ref":
            v = v.replace("#/$defs/", "#/components/schemas/")
        elif k == "properties":
            v = {name: convert(p) for name, p in v.items()}
        elif k in ("items", "additionalProperties", "allOf", "oneOf"):
            v = convert(v)
        out[k] = v
    if "$ref" in out and len(out) > 1:
        ref = out.pop("$ref")
        out = {"allOf": [{"$ref": ref}], **out}
    return out


def main():
    defs = load_definitions()
    schemas = {name: convert(d) for name, d in sorted(defs.items())}
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    path = os.path.join(root, "static", "openapi", f"v{VERSION.rsplit('.', 1)[0]}.json")
    with open(path, "w") as f:
        json.dump({"source": f"kubernetes-validate=={VERSION}", "schemas": schemas}, f,
                  separators=(",", ":"), sort_keys=True)
        f.write("\n")
    print(path, os.path.getsize(path), "bytes,", len(schemas), "schemas")


main()

#!/usr/bin/env python3
"""Bundle upstream's Pod Security fixtures into tests/fixtures/pod-security/.

kubernetes/pod-security-admission generates, for every level (baseline, restricted) and
policy version v1.0..v1.N, a Pod that must pass or fail for each check
(test/testdata/<level>/<version>/<pass|fail>/<check><i>.yaml). Most are the same from one
version to the next, so the bundle keeps each distinct file once, as one document of
pods.yaml, and index.txt says which document each file is: a line per directory,
`<level>/<version>/<pass|fail> <name>=<n> <name>=<n> ...`.

    python3 scripts/import-pod-security-fixtures.py /path/to/pod-security-admission [REV]

The repository is a git directory (a bare mirror is fine); REV defaults to HEAD.
"""
import json
import subprocess
import sys

repo = sys.argv[1]
rev = sys.argv[2] if len(sys.argv) > 2 else "HEAD"
git = ["git", "--git-dir", repo] if repo.endswith(".git") or repo.endswith("/repo") else ["git", "-C", repo]
commit = subprocess.check_output(git + ["rev-parse", rev], text=True).strip()
tree = subprocess.check_output(git + ["ls-tree", "-r", commit, "test/testdata"], text=True)
pods, index, seen = [], {}, {}
for line in tree.splitlines():
    meta, path = line.split("\t", 1)
    blob = meta.split()[2]
    if not path.endswith(".yaml"):
        continue
    if blob not in seen:
        seen[blob] = len(pods)
        pods.append(subprocess.check_output(git + ["cat-file", "blob", blob], text=True))
    key = path[len("test/testdata/"):-len(".yaml")]
    index[key] = seen[blob]
with open("tests/fixtures/pod-security/pods.yaml", "w") as f:
    f.write(f"# Pod Security fixtures of kubernetes/pod-security-admission {commit}\n")
    f.write("# (test/testdata; Apache-2.0, The Kubernetes Authors), each distinct file once.\n")
    f.write("# Written by scripts/import-pod-security-fixtures.py; index.txt maps paths to documents.\n")
    for pod in pods:
        f.write("---\n")
        f.write(pod)
with open("tests/fixtures/pod-security/index.txt", "w") as f:
    dirs = {}
    for key in sorted(index):
        d, name = key.rsplit("/", 1)
        dirs.setdefault(d, []).append(f"{name}={index[key]}")
    for d in sorted(dirs):
        f.write(d + " " + " ".join(dirs[d]) + "\n")
print(f"{len(index)} cases, {len(pods)} distinct pods, from {commit}")

#!/usr/bin/env python3
"""Developer tool: turn a list of commands into a tests/scenarios file with kubegate's own
output, for behaviour that the real kubectl cannot check statelessly (review it by hand).

    python3 scripts/record-scenario.py COMMANDS.txt "comment" > tests/scenarios/NN-name.txt

Each prefix of the list is run with `kubegate script` so every command's stdout, stderr and
exit code can be told apart.
"""
import subprocess
import sys
import tempfile

BIN = "target/debug/kubegate"


def run(lines):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(lines) + "\n")
    r = subprocess.run([BIN, "script", f.name], capture_output=True, text=True)
    return r.stdout, r.stderr, r.returncode


def main():
    cmds = [l for l in open(sys.argv[1]).read().splitlines() if l.strip()]
    out = ["# workspace: default"] + [f"# {c}" for c in sys.argv[2:]]
    prev = ("", "")
    for i, cmd in enumerate(cmds):
        so, se, _ = run(cmds[: i + 1])
        new_out, new_err = so[len(prev[0]):], se[len(prev[1]):]
        prev = (so, se)
        out.append(f"$ {cmd}")
        if new_out:
            body = new_out[:-1] if new_out.endswith("\n") else new_out
            out += body.split("\n")
            if not new_out.endswith("\n"):
                out.append("\\ no newline")
        for l in new_err.rstrip("\n").split("\n") if new_err else []:
            out.append(f"! {l}")
        # The exit code of the last command: run it alone after the prefix.
        code = run_exit(cmds[: i + 1])
        if code:
            out.append(f"[exit {code}]")
    print("\n".join(out))


def run_exit(lines):
    # `kubegate script` exits with the last command's code.
    return run(lines)[2]


main()

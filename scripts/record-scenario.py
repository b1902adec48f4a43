#!/usr/bin/env python3
"""Developer tool: turn a list of commands into a tests/scenarios file with kubegate's own
output, for behaviour that the real kubectl cannot check statelessly (review it by hand).

    python3 scripts/record-scenario.py COMMANDS.txt "comment" > tests/scenarios/NN-name.txt
    WS=tests/scenarios/some.yaml python3 scripts/record-scenario.py …   # another workspace

Each prefix of the list is run with `kubegate script` so every command's stdout, stderr and
exit code can be told apart.
"""
import os
import subprocess
import sys
import tempfile

BIN = "target/debug/kubegate"


def run(lines):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(lines) + "\n")
    ws = os.environ.get("WS")
    cmd = [BIN] + (["-w", ws] if ws else []) + ["script", f.name]
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.stdout, r.stderr, r.returncode


def main():
    # A command with a here-document (`<<EOF` … `EOF`) is one block of lines.
    cmds, lines = [], open(sys.argv[1]).read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip():
            continue
        if "<<" in line:
            marker = line.split("<<", 1)[1].strip().strip("'\"")
            block = [line]
            while i < len(lines):
                block.append(lines[i])
                i += 1
                if lines[i - 1].strip() == marker:
                    break
            cmds.append("\n".join(block))
        else:
            cmds.append(line)
    ws = os.environ.get("WS")
    header = os.path.basename(ws) if ws else "default"
    out = [f"# workspace: {header}"] + [f"# {c}" for c in sys.argv[2:]]
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

#!/bin/bash
# Developer tool (not run by CI): runs each line of stdin (kubectl arguments) through the real
# kubectl (via tests/oracle/proxy.py, whose kubeconfig path is in /tmp/kc.path) and through
# kubegate, and prints SAME or the differences. Stateless commands only (each proxied request
# boots a fresh cluster).
#   [KUBEGATE_WS=the workspace the proxy serves] [KC=its kubeconfig path] \
#     tests/oracle/compare.sh < tests/oracle/create-commands.txt
# expose-commands.txt needs objects: serve the proxy's built-in workspace plus workloads.yaml
# (proxy.py --workspace FILE) and point KUBEGATE_WS at the same file. pod-security-commands.txt
# runs against pod-security.yaml (its -f file must also be at /tmp/psa-pod.yaml for the real
# kubectl: copy it out of the workspace's files).
export KUBECONFIG=${KC:-$(cat /tmp/kc.path)}
while IFS= read -r line; do
  [ -z "$line" ] && continue
  eval "set -- $line"
  (cd /tmp && /tmp/kvenv/bin/kubectl "$@" > /tmp/r.out 2> /tmp/r.err; echo $? > /tmp/r.code)
  /work/main/target/debug/kubegate ${KUBEGATE_WS:+-w "$KUBEGATE_WS"} kubectl "$@" > /tmp/o.out 2> /tmp/o.err; echo $? > /tmp/o.code
  if cmp -s /tmp/r.out /tmp/o.out && cmp -s /tmp/r.err /tmp/o.err && cmp -s /tmp/r.code /tmp/o.code; then echo "SAME  $line"; else echo "DIFF  $line"; diff /tmp/r.out /tmp/o.out | head -8; diff /tmp/r.err /tmp/o.err | head -6; diff /tmp/r.code /tmp/o.code; fi
done

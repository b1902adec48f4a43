#!/bin/bash
# Developer tool (not run by CI): each line of stdin is a `kubectl config …` command. It runs
# against a fresh copy of tests/oracle/kubeconfig.yaml with the real kubectl (as
# /root/.kube/config, the path kubegate reports) and with kubegate (the same kubeconfig as the
# workspace), then compares stdout, stderr, exit code and `kubectl config view --raw` after.
#   tests/oracle/config-compare.sh < tests/oracle/config-commands.txt
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
BASE=${BASE:-$HERE/kubeconfig.yaml}
KG=$HERE/../../target/debug/kubegate
mkdir -p /root/.kube
while IFS= read -r line; do
  [ -z "$line" ] && continue
  eval "set -- $line"
  cp "$BASE" /root/.kube/config
  (cd /tmp && KUBECONFIG=/root/.kube/config /tmp/kvenv/bin/kubectl "$@" > /tmp/r.out 2> /tmp/r.err; echo $? > /tmp/r.code
   KUBECONFIG=/root/.kube/config /tmp/kvenv/bin/kubectl config view --raw > /tmp/r.after 2>&1)
  "$KG" -w "$BASE" kubectl "$@" > /tmp/o.out 2> /tmp/o.err; echo $? > /tmp/o.code
  printf '%s\n' "$line" > /tmp/o.script; echo "kubectl config view --raw" >> /tmp/o.script
  "$KG" -w "$BASE" script /tmp/o.script > /tmp/o.both 2>/dev/null
  tail -c +$(( $(wc -c < /tmp/o.out) + 1 )) /tmp/o.both > /tmp/o.after
  # klog lines carry the time and pid: compare them without.
  sed -i -E 's/^([IEW])[0-9]{4} [0-9:.]+ +[0-9]+ /\1MMDD TIME PID /' /tmp/r.err /tmp/o.err
  if cmp -s /tmp/r.out /tmp/o.out && cmp -s /tmp/r.err /tmp/o.err && cmp -s /tmp/r.code /tmp/o.code && cmp -s /tmp/r.after /tmp/o.after; then
    echo "SAME  $line"
  else
    echo "DIFF  $line"; diff /tmp/r.out /tmp/o.out | head -8; diff /tmp/r.err /tmp/o.err | head -6; diff /tmp/r.code /tmp/o.code; diff /tmp/r.after /tmp/o.after | head -10
  fi
done
rm -f /root/.kube/config

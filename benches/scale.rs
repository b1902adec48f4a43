//! Workspace size against DESIGN.md's budgets (run: `cargo bench --bench scale`): parse + boot
//! of a generated `kubectl get -o yaml`-style dump (a List of RoleBindings with Helm labels,
//! two subjects each, across 200 namespaces) of 10 MB and of 50 MB, with the time and the
//! process's peak memory (Linux `VmHWM`; it only grows, so each line's figure is the peak so
//! far). Reports, never fails.

use std::time::Instant;

use kubegate::sim::session::Session;

fn dump(bytes: usize) -> String {
    let mut out =
        String::from("apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: \"\"\nitems:\n");
    for k in 0..200 {
        out.push_str(&format!(
            "- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: team-{k}\n"
        ));
    }
    let mut i = 0;
    while out.len() < bytes {
        let ns = format!("team-{}", i % 200);
        out.push_str(&format!(
            "- apiVersion: rbac.authorization.k8s.io/v1\n  kind: RoleBinding\n  metadata:\n    annotations:\n      meta.helm.sh/release-name: release-{i}\n      meta.helm.sh/release-namespace: {ns}\n    creationTimestamp: \"2026-01-01T00:00:00Z\"\n    labels:\n      app.kubernetes.io/managed-by: Helm\n      app.kubernetes.io/name: app-{i}\n    name: binding-{i}\n    namespace: {ns}\n    resourceVersion: \"{}\"\n  roleRef:\n    apiGroup: rbac.authorization.k8s.io\n    kind: ClusterRole\n    name: edit\n  subjects:\n  - kind: ServiceAccount\n    name: sa-{i}\n    namespace: {ns}\n  - apiGroup: rbac.authorization.k8s.io\n    kind: User\n    name: user-{i}@example.com\n",
            1000 + i
        ));
        i += 1;
    }
    out
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    for mb in [10, 50] {
        let text = dump(mb * 1_000_000);
        let t = Instant::now();
        let session = Session::new(&text);
        let elapsed = t.elapsed();
        let objects = session.as_ref().map_or(0, |s| s.cluster.store.revision());
        println!(
            "parse + boot a {mb} MB dump (store revision {objects}) {:>8.2} s, peak {:>5} MB ({:.1} MB per MB)",
            elapsed.as_secs_f64(),
            peak_kib() / 1024,
            peak_kib() as f64 / 1024.0 / mb as f64
        );
        drop(session);
    }
}

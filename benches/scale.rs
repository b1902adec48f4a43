//! Workspace size against DESIGN.md's budgets (run: `cargo bench --bench scale`): parse + boot
//! of a generated `kubectl get -o yaml`-style dump (a List of RoleBindings with Helm labels,
//! two subjects each, across 200 namespaces) of 10 MB and of 50 MB, with the time and the
//! process's peak memory (Linux `VmHWM`; it only grows, so each line's figure is the peak so
//! far). Reports, never fails.

/// The native CLI's allocator (see src/bin/kubegate.rs): the benchmarks time what it runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    costs();
}

/// The inputs that took time growing faster than their size before issue 9, each timed once
/// at the size that used to hurt (the old figure in the label).
fn costs() {
    const ADMIN: &str = include_str!("../static/workspaces/default.yaml");
    let time = |label: &str, f: &mut dyn FnMut() -> usize| {
        let t = Instant::now();
        let n = f();
        println!("{label:<72} {:>8.3} s ({n})", t.elapsed().as_secs_f64());
    };
    // 100 ClusterRoles that all select one another: 54 s by rounds of aggregation.
    let mut ring = String::from(ADMIN);
    for i in 0..100 {
        ring.push_str(&format!(
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: m{i}\n  labels: {{ring: \"yes\"}}\naggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {{ring: \"yes\"}}\nrules:\n- apiGroups: [\"\"]\n  resources: [r{i}]\n  verbs: [get]\n"
        ));
    }
    time(
        "boot: 100 ClusterRoles selecting each other (was 54 s)",
        &mut || Session::new(&ring).map_or(0, |s| s.cluster.store.revision() as usize),
    );
    // One Role of 10,000 rules: can-i --list and describe took about 5 s each.
    let mut big = String::from(ADMIN);
    big.push_str("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: big\n  namespace: default\nrules:\n");
    for i in 0..10_000 {
        big.push_str(&format!(
            "- apiGroups: [\"\"]\n  resources: [r{i}]\n  verbs: [get, list]\n"
        ));
    }
    big.push_str("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: big\n  namespace: default\nsubjects:\n- kind: User\n  name: learner\n  apiGroup: rbac.authorization.k8s.io\nroleRef:\n  kind: Role\n  name: big\n  apiGroup: rbac.authorization.k8s.io\n");
    let mut session = Session::new(&big).expect("the big Role boots");
    for line in [
        "kubectl auth can-i --list -n default --as learner",
        "kubectl describe role big -n default",
    ] {
        time(&format!("{line} (10,000 rules, was ~5 s)"), &mut || {
            session.kubectl(line, None).stdout.len()
        });
    }
    // One RoleBinding naming 28,000 users: who-can took 15.7 s.
    let mut many = String::from(ADMIN);
    many.push_str("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: many\n  namespace: default\nroleRef:\n  kind: ClusterRole\n  name: view\n  apiGroup: rbac.authorization.k8s.io\nsubjects:\n");
    for i in 0..28_000 {
        many.push_str(&format!(
            "- kind: User\n  name: u{i}\n  apiGroup: rbac.authorization.k8s.io\n"
        ));
    }
    let mut session = Session::new(&many).expect("the big binding boots");
    time(
        "kubectl who-can get pods -n default (28,000 subjects, was 15.7 s)",
        &mut || {
            session
                .kubectl("kubectl who-can get pods -n default", None)
                .stdout
                .len()
        },
    );
    // A strategic merge patch against a list of 20,000 containers: 10 s.
    let containers: Vec<serde_json::Value> = (0..20_000)
        .map(|i| serde_json::json!({"name": format!("c{i}"), "image": "busybox"}))
        .collect();
    let target = serde_json::json!({"spec": {"containers": containers}});
    let patch = serde_json::json!({"spec": {"containers": containers.iter().rev().cloned()
        .map(|mut c| { c["image"] = "nginx".into(); c }).collect::<Vec<_>>()}});
    time(
        "strategic merge: 20,000 containers onto 20,000 (was 10 s)",
        &mut || {
            kubegate::sim::patch::strategic(&target, &patch).map_or(0, |v| {
                v["spec"]["containers"].as_array().map_or(0, Vec::len)
            })
        },
    );
}

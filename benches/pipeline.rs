//! Timing of the engine against DESIGN.md's budgets (run: `cargo bench --bench pipeline`).
//! Plain `std::time` loops. The figures with a budget are marked `budget …: ok` or `OVER`, and
//! the run exits non-zero when one is over (a benchmark, not a test: run it on a quiet machine).

/// The native CLI's allocator (see src/bin/kubegate.rs): the benchmarks time what it runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::cell::RefCell;
use std::hint::black_box;
use std::time::Instant;

thread_local! {
    /// The budgets that were exceeded.
    static OVER: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Times `f` and checks it against a budget in µs.
fn within(label: &str, iters: u32, budget_us: f64, f: impl FnMut()) {
    let us = per_iter(label, iters, f);
    if us > budget_us {
        println!("{:<58} {:>10} OVER its budget of {budget_us} µs", "", "");
        OVER.with(|o| {
            o.borrow_mut()
                .push(format!("{label}: {us:.1} µs > {budget_us} µs"))
        });
    } else {
        println!("{:<58} {:>10} budget {budget_us} µs: ok", "", "");
    }
}

use kubegate::sim::http::HttpRequest;
use kubegate::sim::session::Session;

const DEFAULT: &str = include_str!("../static/workspaces/default.yaml");

fn per_iter(label: &str, iters: u32, mut f: impl FnMut()) -> f64 {
    // Warm up, then time.
    for _ in 0..iters / 10 + 1 {
        f();
    }
    let t = Instant::now();
    for _ in 0..iters {
        f();
    }
    let each = t.elapsed() / iters;
    println!("{label:<58} {:>10.1} µs", each.as_secs_f64() * 1e6);
    each.as_secs_f64() * 1e6
}

fn main() {
    parts();
    rbac_at_scale();
    index_follows_writes();
    per_iter("parse + boot the default workspace", 50, || {
        black_box(Session::new(DEFAULT).ok());
    });

    let mut session = Session::new(DEFAULT).expect("default workspace boots");
    let mut req = HttpRequest::new("GET", "/api/v1/namespaces/blue/pods/orange");
    req.headers.push((
        "Authorization".into(),
        "Bearer 8f2b6c1e-dev-user-token".into(),
    ));
    within(
        "one request through the pipeline (dev-user GET pod, allowed)",
        20_000,
        50.0,
        || {
            black_box(session.request(&req));
        },
    );

    let mut denied = HttpRequest::new("GET", "/api/v1/namespaces/default/pods");
    denied.headers.push((
        "Authorization".into(),
        "Bearer 8f2b6c1e-dev-user-token".into(),
    ));
    within(
        "one request through the pipeline (dev-user list, forbidden)",
        20_000,
        50.0,
        || {
            black_box(session.request(&denied));
        },
    );

    // A write through the whole chain: authentication, RBAC, every mutating plugin,
    // validation, every validating plugin (ResourceQuota included), and the dry-run storage
    // (so the store does not grow between iterations).
    let mut create = HttpRequest::new("POST", "/api/v1/namespaces/blue/pods?dryRun=All");
    create.headers.push((
        "Authorization".into(),
        "Bearer 8f2b6c1e-dev-user-token".into(),
    ));
    create
        .headers
        .push(("Content-Type".into(), "application/json".into()));
    create.body = Some(
        r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"blue"},"spec":{"containers":[{"name":"web","image":"nginx:1.27","ports":[{"containerPort":80}]}]}}"#
            .into(),
    );
    let trace = session.request(&create);
    assert_eq!(trace.response.code, 201, "{:?}", trace.response.body);
    within(
        "one pod create through the whole chain, admission included",
        20_000,
        50.0,
        || {
            black_box(session.request(&create));
        },
    );

    // The same create through admission policies in CEL: a ValidatingAdmissionPolicy (a
    // variable, two validations, a messageExpression) and a MutatingAdmissionPolicy (an
    // apply configuration), as an admin (dev-user may not create them).
    let policies = r#"apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: images}
spec:
  matchConstraints: {resourceRules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]}
  variables: [{name: images, expression: "object.spec.containers.map(c, c.image)"}]
  validations:
  - expression: "variables.images.all(i, i.contains(':') && !i.endsWith(':latest'))"
    messageExpression: "'no latest tag: ' + variables.images.join(', ')"
  - expression: "!variables.images.exists(i, i.startsWith('docker.io/'))"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: images}
spec: {policyName: images, validationActions: [Deny]}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingAdmissionPolicy
metadata: {name: team}
spec:
  matchConstraints: {resourceRules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]}
  reinvocationPolicy: Never
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration: {expression: "Object{metadata: Object.metadata{labels: {'team': 'blue'}}}"}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingAdmissionPolicyBinding
metadata: {name: team}
spec: {policyName: team}
"#;
    let made = session.kubectl("kubectl create -f -", Some(policies));
    assert_eq!(made.exit_code, 0, "{}", made.stderr);
    let trace = session.request(&create);
    assert_eq!(trace.response.code, 201, "{:?}", trace.response.body);
    per_iter(
        "one pod create through a ValidatingAdmissionPolicy and a MutatingAdmissionPolicy (CEL)",
        5_000,
        || {
            black_box(session.request(&create));
        },
    );
    for name in [
        "validatingadmissionpolicybinding images",
        "validatingadmissionpolicy images",
        "mutatingadmissionpolicybinding team",
        "mutatingadmissionpolicy team",
    ] {
        session.kubectl(&format!("kubectl delete {name}"), None);
    }

    // The same create where Pod Security looks: blue enforcing baseline (the pod passes),
    // warning and auditing restricted (it fails: a warning and an audit annotation).
    let labelled = session.kubectl(
        "kubectl label ns blue pod-security.kubernetes.io/enforce=baseline pod-security.kubernetes.io/warn=restricted pod-security.kubernetes.io/audit=restricted",
        None,
    );
    assert_eq!(labelled.exit_code, 0, "{}", labelled.stderr);
    let trace = session.request(&create);
    assert_eq!(trace.response.code, 201, "{:?}", trace.response.body);
    assert_eq!(
        trace.response.warnings.len(),
        1,
        "{:?}",
        trace.response.warnings
    );
    per_iter(
        "one pod create under Pod Security (enforce baseline, warn and audit restricted)",
        10_000,
        || {
            black_box(session.request(&create));
        },
    );
    session.kubectl(
        "kubectl label ns blue pod-security.kubernetes.io/enforce- pod-security.kubernetes.io/warn- pod-security.kubernetes.io/audit-",
        None,
    );

    let admin_create = "kubectl create -f pod.yaml -n default";
    let admin_delete = "kubectl delete pod blue -n default";
    per_iter(
        "kubectl create + delete as admin (x509, 2 requests)",
        2_000,
        || {
            black_box(session.kubectl(admin_create, None));
            black_box(session.kubectl(admin_delete, None));
        },
    );

    // A service-account token: RS256 signature check, claims, the account's UID.
    session.kubectl("kubectl create sa robot -n blue", None);
    let token = session
        .kubectl("kubectl create token robot -n blue", None)
        .stdout
        .trim()
        .to_string();
    let mut sa_req = HttpRequest::new("GET", "/api/v1/namespaces/blue/pods/orange");
    sa_req
        .headers
        .push(("Authorization".into(), format!("Bearer {token}")));
    per_iter(
        "one request with a service-account token (JWT verified)",
        2_000,
        || {
            black_box(session.request(&sa_req));
        },
    );
    per_iter(
        "kubectl create token (TokenRequest, RS256 signing)",
        200,
        || {
            black_box(session.kubectl("kubectl create token robot -n blue", None));
        },
    );
    let over = OVER.with(|o| o.borrow().clone());
    if !over.is_empty() {
        println!("\nover budget:");
        for o in &over {
            println!("  {o}");
        }
        std::process::exit(1);
    }
    println!("\nevery figure with a budget is within it");
}

#[allow(dead_code)]
fn parts() {
    use kubegate::sim::cluster::Cluster;
    use kubegate::sim::workspace;
    per_iter("  parse the default workspace", 50, || {
        black_box(workspace::parse(DEFAULT));
    });
    let ws = workspace::parse(DEFAULT).workspace.expect("parses");
    per_iter("  boot its cluster", 50, || {
        black_box(Cluster::boot(ws.clone()).ok());
    });
}

/// DESIGN.md: RBAC authorization in ≤ 20 µs per check at 10,000 bindings and ≤ 30 µs at
/// 100,000. The default workspace plus the RoleBindings: spread over 100 namespaces, then all
/// in one.
fn rbac_at_scale() {
    use kubegate::sim::authn::UserInfo;
    use kubegate::sim::authz::{self, Attributes};
    for (label, namespaces, bindings, budget) in [
        ("100 namespaces", 100, 10_000, 20.0),
        ("one namespace", 1, 10_000, 20.0),
        ("100 namespaces", 100, 100_000, 30.0),
    ] {
        let mut ws = String::from(DEFAULT);
        for n in 0..namespaces {
            ws.push_str(&format!(
                "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-{n}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\n  namespace: team-{n}\nrules:\n- apiGroups: [\"\"]\n  resources: [pods, configmaps]\n  verbs: [get, list]\n"
            ));
        }
        for i in 0..bindings {
            let n = i % namespaces;
            ws.push_str(&format!(
                "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: user-{i}-reader\n  namespace: team-{n}\nsubjects:\n- kind: User\n  name: user-{i}\n  apiGroup: rbac.authorization.k8s.io\n- kind: Group\n  name: group-{i}\n  apiGroup: rbac.authorization.k8s.io\nroleRef:\n  kind: Role\n  name: reader\n  apiGroup: rbac.authorization.k8s.io\n"
            ));
        }
        let session = Session::new(&ws).expect("the big workspace boots");
        let cluster = &session.cluster;
        let attrs = |user: &str, verb: &str, ns: &str| Attributes {
            user: UserInfo {
                username: user.into(),
                groups: vec!["developers".into(), "system:authenticated".into()],
                ..Default::default()
            },
            verb: verb.into(),
            resource_request: true,
            namespace: ns.into(),
            api_version: "v1".into(),
            resource: "pods".into(),
            ..Default::default()
        };
        let last = bindings - 1;
        let allowed = attrs(
            &format!("user-{last}"),
            "get",
            &format!("team-{}", last % namespaces),
        );
        let denied = attrs(
            &format!("user-{last}"),
            "delete",
            &format!("team-{}", last % namespaces),
        );
        let stranger = attrs("nobody", "get", "team-0");
        for (what, a, want) in [
            ("allowed", &allowed, kubegate::sim::trace::Decision::Allow),
            (
                "no rule matches",
                &denied,
                kubegate::sim::trace::Decision::NoOpinion,
            ),
            (
                "user in no binding",
                &stranger,
                kubegate::sim::trace::Decision::NoOpinion,
            ),
        ] {
            let d = authz::authorize(&cluster.authz, &cluster.store, a, None);
            assert_eq!(d.decision, want, "{what}");
            within(
                &format!("authorize, {bindings} RoleBindings in {label}: {what}"),
                20_000,
                budget,
                || {
                    black_box(authz::authorize(&cluster.authz, &cluster.store, a, None));
                },
            );
        }
    }
}

/// A write to a binding in a cluster of 100,000 RoleBindings, then a check: the subject index
/// follows the write instead of being rebuilt (the rebuild took 0.4 s).
fn index_follows_writes() {
    use kubegate::sim::authn::UserInfo;
    use kubegate::sim::authz::{self, Attributes};
    use serde_json::json;
    let mut ws = String::from(DEFAULT);
    ws.push_str("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n");
    for i in 0..100_000 {
        ws.push_str(&format!(
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: b-{i}\n  namespace: team\nsubjects:\n- kind: User\n  name: user-{i}\n  apiGroup: rbac.authorization.k8s.io\nroleRef:\n  kind: ClusterRole\n  name: view\n  apiGroup: rbac.authorization.k8s.io\n"
        ));
    }
    let mut session = Session::new(&ws).expect("the big workspace boots");
    let a = Attributes {
        user: UserInfo {
            username: "newcomer".into(),
            ..Default::default()
        },
        verb: "get".into(),
        resource_request: true,
        namespace: "team".into(),
        api_version: "v1".into(),
        resource: "pods".into(),
        ..Default::default()
    };
    let cluster = &mut session.cluster;
    let _ = authz::authorize(&cluster.authz, &cluster.store, &a, None);
    let binding = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
        "metadata": {"name": "newcomer", "namespace": "team"},
        "subjects": [{"kind": "User", "name": "newcomer", "apiGroup": "rbac.authorization.k8s.io"}],
        "roleRef": {"kind": "ClusterRole", "name": "view", "apiGroup": "rbac.authorization.k8s.io"}});
    within(
        "100,000 RoleBindings: create + check + delete + check",
        200,
        4.0 * 30.0,
        || {
            let _ = cluster.store.create(
                "rbac.authorization.k8s.io",
                "rolebindings",
                binding.clone(),
                0,
            );
            let d = authz::authorize(&cluster.authz, &cluster.store, &a, None);
            assert_eq!(d.decision, kubegate::sim::trace::Decision::Allow);
            let _ = cluster.store.delete(
                "rbac.authorization.k8s.io",
                "rolebindings",
                "team",
                "newcomer",
            );
            black_box(authz::authorize(&cluster.authz, &cluster.store, &a, None));
        },
    );
}

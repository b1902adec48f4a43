//! Pod Security admission through the whole pipeline, as upstream's own integration test
//! (`pod-security-admission/test/run.go`) drives a cluster: a namespace per level and policy
//! version with `enforce` and `warn` labels, then each fixture pod created with
//! `--dry-run=server` (a passing pod is created without a word; a failing one is refused with
//! the check's text), and the same pod as a Deployment's template (never refused: warned).
//! The checks themselves are tested at every version by `sim::podsecurity`'s unit tests; here
//! the versions are those where the policy changed shape (v1.0, v1.22, v1.25, v1.37).

use kubegate::sim::session::Session;

const DEFAULT: &str = include_str!("../static/workspaces/default.yaml");
const PODS: &str = include_str!("fixtures/pod-security/pods.yaml");
const SUBSTRINGS: &str = include_str!("fixtures/pod-security/substrings.txt");
const INDEX: &str = include_str!("fixtures/pod-security/index.txt");

/// The fixture documents, as text.
fn documents() -> Vec<&'static str> {
    PODS.split("\n---\n").skip(1).collect()
}

/// What upstream's fixture test expects in a failing pod's message, by file name
/// (`tests/fixtures/pod-security/substrings.txt`).
fn expected_substring(file: &str) -> &'static str {
    let stem = file.trim_end_matches(|c: char| c.is_ascii_digit());
    SUBSTRINGS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            l.split_once(' ')
                .filter(|(k, _)| *k == stem)
                .map(|(_, v)| v)
        })
        .unwrap_or_else(|| panic!("a fixture for an unknown check: {stem}"))
}

/// The fixture renamed `test` (its own name has underscores), as upstream's test renames it.
fn as_pod(doc: &str) -> String {
    let mut out = String::new();
    let mut in_meta = false;
    for line in doc.lines() {
        if line == "metadata:" {
            in_meta = true;
        } else if !line.starts_with(' ') {
            in_meta = false;
        }
        if in_meta && line.starts_with("  name: ") {
            out.push_str("  name: test\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The pod as a Deployment's template, labelled for its selector.
fn as_deployment(doc: &str) -> String {
    let mut out = String::from(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: test\nspec:\n  selector:\n    matchLabels:\n      test: \"true\"\n  template:\n",
    );
    let mut in_meta = false;
    for line in doc.lines() {
        if line.starts_with("apiVersion:") || line.starts_with("kind:") {
            continue;
        }
        if line == "metadata:" {
            in_meta = true;
            out.push_str("    metadata:\n      labels:\n        test: \"true\"\n");
            continue;
        }
        if !line.starts_with(' ') {
            in_meta = false;
        }
        if in_meta && line.starts_with("  name:") {
            continue;
        }
        out.push_str("    ");
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn fixtures_through_the_admission_chain_as_upstreams_integration_test() {
    const VERSIONS: [&str; 4] = ["v1.0", "v1.22", "v1.25", "v1.37"];
    let mut workspace = DEFAULT.to_string();
    for level in ["baseline", "restricted"] {
        for v in VERSIONS {
            workspace.push_str(&format!(
                "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: psa-{level}-{}\n  labels:\n    pod-security.kubernetes.io/enforce: {level}\n    pod-security.kubernetes.io/enforce-version: {v}\n    pod-security.kubernetes.io/warn: {level}\n    pod-security.kubernetes.io/warn-version: {v}\n",
                v.replace('.', "-")
            ));
        }
    }
    let mut session = Session::new(&workspace).expect("workspace boots");
    let docs = documents();
    let (mut cases, mut problems) = (0, Vec::new());
    let (mut refused_count, mut invalid, mut warned_count) = (0, 0, 0);
    for line in INDEX.lines() {
        let mut words = line.split(' ');
        let dir = words.next().unwrap();
        let parts: Vec<&str> = dir.split('/').collect();
        let (level, version, kind) = (parts[0], parts[1], parts[2]);
        if !VERSIONS.contains(&version) {
            continue;
        }
        let ns = format!("psa-{level}-{}", version.replace('.', "-"));
        for entry in words {
            let (file, n) = entry.split_once('=').unwrap();
            let doc = docs[n.parse::<usize>().unwrap()];
            cases += 1;
            let pod = session.kubectl(
                &format!("kubectl create -f - --dry-run=server -n {ns}"),
                Some(&as_pod(doc)),
            );
            let deployment = session.kubectl(
                &format!("kubectl create -f - --dry-run=server -n {ns}"),
                Some(&as_deployment(doc)),
            );
            let at = format!("{dir}/{file}");
            if kind == "pass" {
                if pod.exit_code != 0 || !pod.stderr.is_empty() {
                    problems.push(format!("{at}: pod: {}", pod.stderr));
                }
                if deployment.exit_code != 0 || !deployment.stderr.is_empty() {
                    problems.push(format!("{at}: deployment: {}", deployment.stderr));
                }
                continue;
            }
            let want = expected_substring(file);
            let refused = format!("violates PodSecurity \"{level}:{version}\": ");
            // A few fixtures also fail validation (upstream's failRequiresError): refused
            // either way, by validation or by admission.
            if pod.stderr.contains(&refused) {
                refused_count += 1;
            } else if pod.stderr.contains(" is invalid: ") {
                invalid += 1;
            }
            if pod.exit_code == 0 {
                problems.push(format!("{at}: pod created"));
            } else if pod.stderr.contains("is forbidden: ")
                && !(pod.stderr.contains(&refused) && pod.stderr.contains(want))
            {
                problems.push(format!("{at}: pod: {}", pod.stderr));
            }
            let warned = format!("Warning: would violate PodSecurity \"{level}:{version}\": ");
            if deployment.stderr.contains(&warned) {
                warned_count += 1;
            }
            if deployment.exit_code == 0
                && !(deployment.stderr.contains(&warned) && deployment.stderr.contains(want))
            {
                problems.push(format!("{at}: deployment: {}", deployment.stderr));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Refused by Pod Security, save the few upstream marks as failing validation first.
    assert_eq!(
        (cases, refused_count, invalid, warned_count),
        (503, 385, 0, 385)
    );
    // A dry run writes nothing.
    let left = session.kubectl("kubectl get pods,deployments -A -o name", None);
    assert!(!left.stdout.contains("/test"), "{}", left.stdout);
}

/// A pod of 20,000 containers: refused with every name in the detail, and its security card
/// made, each in time proportional to the pod (the checks and the card visit each container
/// once; a quadratic step would take minutes here).
#[test]
fn a_pod_of_twenty_thousand_containers() {
    let mut pod =
        String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n");
    for i in 0..20_000 {
        pod.push_str(&format!("  - {{name: c{i}, image: nginx}}\n"));
    }
    let workspace = format!(
        "{DEFAULT}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: locked\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n"
    );
    let mut session = Session::new(&workspace).expect("workspace boots");
    let out = session.kubectl("kubectl create -f - -n locked --dry-run=server", Some(&pod));
    assert_eq!(
        out.exit_code,
        1,
        "{}",
        &out.stderr[..out.stderr.len().min(300)]
    );
    assert!(out.stderr.contains("violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (containers \"c0\", \"c1\", "));
    assert!(out
        .stderr
        .contains("\"c19999\" must set securityContext.allowPrivilegeEscalation=false)"));
    let card = session.kubectl("kubegate security -f -", Some(&pod));
    assert_eq!(card.exit_code, 0, "{}", card.stderr);
    assert_eq!(card.stdout.matches("\ncontainer \"c").count(), 20_000);
}

//! Upstream's fixtures (`kubernetes/pod-security-admission` `test/testdata`, bundled by
//! `scripts/import-pod-security-fixtures.py`): for every level and policy version, pods that
//! must pass and pods that must fail each check. A failing pod must fail with the substring
//! upstream's own test expects (`fixtureGenerator.expectErrorSubstring`, else the check ID).

use serde_json::Value;

use super::*;
use crate::sim::ptr::Ptr as _;

const PODS: &str = include_str!("../../../tests/fixtures/pod-security/pods.yaml");
const SUBSTRINGS: &str = include_str!("../../../tests/fixtures/pod-security/substrings.txt");
const INDEX: &str = include_str!("../../../tests/fixtures/pod-security/index.txt");

fn pods() -> Vec<Value> {
    crate::sim::yaml::parse_stream(PODS)
        .expect("fixtures parse")
        .into_iter()
        .filter(|d| !d.empty)
        .map(|d| {
            // As the API server reads it: upstream creates each fixture through the API, whose
            // defaults make a volume without a source an emptyDir.
            let mut pod = d.root.into_json();
            let pods = crate::sim::discovery::by_resource(37, "", "pods").unwrap();
            crate::sim::defaults::apply(&mut pod, pods);
            pod
        })
        .collect()
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

#[test]
fn upstream_fixtures_pass_and_fail_at_every_level_and_version() {
    let pods = pods();
    let (mut passed, mut failed) = (0, 0);
    let mut versions = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    for line in INDEX.lines() {
        let mut words = line.split(' ');
        let dir = words.next().unwrap();
        let mut parts = dir.split('/');
        let (level, version, kind) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let level = Level::parse(level).unwrap();
        let version = Version::parse(version).unwrap();
        versions.insert(version);
        let lv = LevelVersion::new(level, version);
        for entry in words {
            let (file, n) = entry.split_once('=').unwrap();
            let pod = &pods[n.parse::<usize>().unwrap()];
            let meta = pod.ptr("/metadata").unwrap();
            let spec = pod.ptr("/spec").unwrap();
            let result = evaluate(lv, 37, meta, spec);
            match kind {
                "pass" => {
                    passed += 1;
                    if !result.allowed() {
                        problems.push(format!(
                            "{dir}/{file}: refused: {}",
                            result.forbidden_detail()
                        ));
                    }
                }
                _ => {
                    failed += 1;
                    let want = expected_substring(file);
                    let got = result.forbidden_detail();
                    if result.allowed() || !got.contains(want) {
                        problems.push(format!("{dir}/{file}: want {want:?}, got {got:?}"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every version from v1.0 to the newest policy version, both levels.
    assert_eq!(versions.len(), NEWEST_POLICY_MINOR as usize + 1);
    assert_eq!((passed, failed), (1051, 3486), "fixture counts changed");
}

#[test]
fn versions_and_levels_parse_as_upstream() {
    assert_eq!(Version::parse("latest"), Ok(Version::Latest));
    assert_eq!(Version::parse("v1.0"), Ok(Version::Minor(0)));
    assert_eq!(Version::parse("v1.25"), Ok(Version::Minor(25)));
    // Go reads the minor as an int: beyond 32 bits is fine, beyond 64 is not.
    assert_eq!(
        Version::parse("v1.4294967296"),
        Ok(Version::Minor(4294967296))
    );
    assert!(Version::parse("v1.9223372036854775808").is_err());
    for bad in [
        "v1.025", "1.25", "v2.1", "v1.", "v1.x", "", "Latest", "v1.-1",
    ] {
        assert_eq!(
            Version::parse(bad),
            Err((Version::Latest, "must be \"latest\" or \"v1.x\"")),
            "{bad}"
        );
    }
    assert_eq!(
        Level::parse("Restricted"),
        Err((
            Level::Restricted,
            "must be one of privileged, baseline, restricted"
        ))
    );
    assert_eq!(
        LevelVersion::new(Level::Restricted, Version::Latest).to_string(),
        "restricted:latest"
    );
    assert_eq!(
        LevelVersion::new(Level::Baseline, Version::Minor(24)).to_string(),
        "baseline:v1.24"
    );
}

#[test]
fn checks_run_baseline_first_then_restricted_in_byte_order() {
    let ids: Vec<&str> = checks_for(Level::Restricted, 37)
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(
        ids,
        [
            "appArmorProfile",
            "hostNamespaces",
            "hostPorts",
            "hostProbesAndHostLifecycle",
            "privileged",
            "seLinuxOptions",
            "sysctls",
            "windowsHostProcess",
            "allowPrivilegeEscalation",
            "capabilities_restricted",
            "procMount_restricted",
            "restrictedVolumes",
            "runAsNonRoot",
            "runAsUser",
            "seccompProfile_restricted",
        ]
    );
    // Before v1.22 capabilities_restricted did not exist, so the baseline check stood.
    let old: Vec<&str> = checks_for(Level::Restricted, 21)
        .iter()
        .map(|c| c.id)
        .collect();
    assert!(old.contains(&"capabilities_baseline"));
    assert!(!old.contains(&"runAsUser"));
    assert!(checks_for(Level::Privileged, 37).is_empty());
    // A version beyond the simulated server reads as the server's.
    assert_eq!(effective_minor(Version::Minor(40), 30), 30);
    assert_eq!(effective_minor(Version::Latest, 37), 37);
}

#[test]
fn the_seed_pod_fails_restricted_with_upstreams_message() {
    let pod: Value = serde_json::json!({
        "metadata": {"name": "orange"},
        "spec": {"containers": [{"name": "app", "image": "nginx"}]}
    });
    let r = evaluate(
        LevelVersion::new(Level::Restricted, Version::Latest),
        37,
        &pod["metadata"],
        &pod["spec"],
    );
    assert_eq!(
        r.forbidden_detail(),
        "allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false), \
         unrestricted capabilities (container \"app\" must set securityContext.capabilities.drop=[\"ALL\"]), \
         runAsNonRoot != true (pod or container \"app\" must set securityContext.runAsNonRoot=true), \
         seccompProfile (pod or container \"app\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")"
    );
    let b = evaluate(
        LevelVersion::new(Level::Baseline, Version::Latest),
        37,
        &pod["metadata"],
        &pod["spec"],
    );
    assert!(b.allowed());
}

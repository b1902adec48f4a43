//! The Pod Security Standards as `k8s.io/pod-security-admission` defines them: the levels and
//! versions of its `api` package (`ParseLevel`, `ParseVersion`, `PolicyToEvaluate`) and the
//! versioned checks of its `policy` package, put together per level and version as its check
//! registry puts them (baseline checks, then restricted ones, each group in byte order of the
//! check IDs; a restricted check may stand in for a baseline one). The admission plugin is
//! `sim::admission::podsecurity`; the fixtures upstream generates for every level and version
//! are replayed by this module's tests.
//! See <https://kubernetes.io/docs/concepts/security/pod-security-standards/>.

#[cfg(test)]
mod check_tests;
mod checks;
#[cfg(test)]
mod tests;

use std::fmt;

use serde_json::Value;

pub use checks::CHECKS;

/// The newest policy version with changes (the checks' newest `MinimumVersion`).
pub const NEWEST_POLICY_MINOR: u32 = 37;

/// `api.Level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Privileged,
    Baseline,
    Restricted,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }

    /// `api.ParseLevel`: an unknown level reads as restricted, with the error.
    pub fn parse(s: &str) -> Result<Level, (Level, &'static str)> {
        match s {
            "privileged" => Ok(Level::Privileged),
            "baseline" => Ok(Level::Baseline),
            "restricted" => Ok(Level::Restricted),
            _ => Err((
                Level::Restricted,
                "must be one of privileged, baseline, restricted",
            )),
        }
    }
}

/// `api.Version`: `latest` or `v1.N` (always newer than any numbered version).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    /// `v1.N`; Go reads N as an int64.
    Minor(i64),
    Latest,
}

impl Version {
    /// `api.ParseVersion`: anything but `latest` and `v1.N` reads as latest, with the error.
    pub fn parse(s: &str) -> Result<Version, (Version, &'static str)> {
        const BAD: &str = "must be \"latest\" or \"v1.x\"";
        if s == "latest" {
            return Ok(Version::Latest);
        }
        let digits = s.strip_prefix("v1.").unwrap_or("");
        let canonical = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        match digits.parse::<i64>() {
            Ok(n) if canonical => Ok(Version::Minor(n)),
            _ => Err((Version::Latest, BAD)),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Latest => f.write_str("latest"),
            Version::Minor(n) => write!(f, "v1.{n}"),
        }
    }
}

/// `api.LevelVersion`, written `level:version`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LevelVersion {
    pub level: Level,
    pub version: Version,
}

impl LevelVersion {
    pub fn new(level: Level, version: Version) -> Self {
        LevelVersion { level, version }
    }

    /// `Equivalent`: every privileged policy is the same policy.
    pub fn equivalent(&self, other: &LevelVersion) -> bool {
        (self.level == Level::Privileged && other.level == Level::Privileged) || self == other
    }
}

impl fmt::Display for LevelVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.level.as_str(), self.version)
    }
}

/// One check's answer: `None` allows; a refusal has its reason and detail.
pub type Outcome = Option<(String, String)>;

/// A refused check as upstream's `CheckResult` carries it, with the check that refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub check: &'static str,
    pub reason: String,
    pub detail: String,
}

/// What one evaluation did: the checks run, in order, and those that refused.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evaluation {
    pub checked: Vec<&'static str>,
    pub failures: Vec<Failure>,
}

impl Evaluation {
    pub fn allowed(&self) -> bool {
        self.failures.is_empty()
    }

    /// `AggregateCheckResult.ForbiddenDetail`: `reason (detail), reason (detail)`.
    pub fn forbidden_detail(&self) -> String {
        let mut out = String::new();
        for (i, f) in self.failures.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&f.reason);
            if !f.detail.is_empty() {
                out.push_str(" (");
                out.push_str(&f.detail);
                out.push(')');
            }
        }
        out
    }

    /// `AggregateCheckResult.ForbiddenReason`: the reasons alone.
    pub fn forbidden_reason(&self) -> String {
        let reasons: Vec<&str> = self.failures.iter().map(|f| f.reason.as_str()).collect();
        reasons.join(", ")
    }
}

/// `DefaultPodSpecExtractor`: the resources that carry a pod template, and where it is.
pub fn template_path(group: &str, resource: &str) -> Option<&'static str> {
    Some(match (group, resource) {
        ("", "replicationcontrollers") => "/spec/template",
        ("", "podtemplates") => "/template",
        ("apps", "replicasets" | "deployments" | "statefulsets" | "daemonsets") => "/spec/template",
        ("batch", "jobs") => "/spec/template",
        ("batch", "cronjobs") => "/spec/jobTemplate/spec/template",
        _ => return None,
    })
}

/// A check function over the pod's metadata and spec.
pub type CheckFn = fn(&Value, &Value) -> Outcome;

/// One version of a check, from `minimum` on.
pub struct Versioned {
    pub minimum: u32,
    pub check: CheckFn,
    pub overrides: &'static [&'static str],
}

/// `policy.Check`.
pub struct Check {
    pub id: &'static str,
    pub level: Level,
    pub versions: &'static [Versioned],
}

/// The version the checks are read at: a version newer than the newest policy change (or than
/// the simulated API server, whose checks are the ones it was built with) is that version.
pub fn effective_minor(version: Version, server_minor: u32) -> u32 {
    let max = NEWEST_POLICY_MINOR.min(server_minor);
    match version {
        Version::Latest => max,
        Version::Minor(n) => u32::try_from(n).map_or(max, |n| n.min(max)),
    }
}

/// The version of `check` in force at `minor`, if it exists yet.
fn at(check: &Check, minor: u32) -> Option<&Versioned> {
    check.versions.iter().rev().find(|v| v.minimum <= minor)
}

/// The checks of a level at a policy minor version, in the order upstream runs them.
pub fn checks_for(level: Level, minor: u32) -> Vec<&'static Check> {
    checks_in(CHECKS, level, minor)
}

/// `checks_for` over any table of checks, as upstream's `NewEvaluator` takes its list.
fn checks_in(table: &'static [Check], level: Level, minor: u32) -> Vec<&'static Check> {
    if level == Level::Privileged {
        return Vec::new();
    }
    let overridden: Vec<&str> = if level == Level::Restricted {
        table
            .iter()
            .filter(|c| c.level == Level::Restricted)
            .filter_map(|c| at(c, minor))
            .flat_map(|v| v.overrides.iter().copied())
            .collect()
    } else {
        Vec::new()
    };
    let mut chosen: Vec<&'static Check> = table
        .iter()
        .filter(|c| at(c, minor).is_some())
        .filter(|c| match level {
            Level::Baseline => c.level == Level::Baseline,
            _ => c.level == Level::Restricted || !overridden.contains(&c.id),
        })
        .collect();
    // Baseline IDs in byte order, then restricted IDs in byte order.
    crate::sim::sort::by(&mut chosen, &|a, b| {
        (a.level, a.id.as_bytes()).cmp(&(b.level, b.id.as_bytes()))
    });
    chosen
}

/// `EvaluatePod`: every check of the level at the version, over a pod's metadata and spec.
pub fn evaluate(lv: LevelVersion, server_minor: u32, meta: &Value, spec: &Value) -> Evaluation {
    let minor = effective_minor(lv.version, server_minor);
    let mut out = Evaluation::default();
    for check in checks_for(lv.level, minor) {
        let Some(v) = at(check, minor) else { continue };
        out.checked.push(check.id);
        if let Some((reason, detail)) = (v.check)(meta, spec) {
            out.failures.push(Failure {
                check: check.id,
                reason,
                detail,
            });
        }
    }
    out
}

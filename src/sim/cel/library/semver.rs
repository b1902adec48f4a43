//! `kubernetes.Semver` (`pkg/cel/library/semverlib.go`): semantic versions in CEL, parsed
//! and ordered as `github.com/blang/semver/v4` parses and orders them, with its error texts.
//!
//! `semver(string)`, `semver(string, bool normalize)`, `isSemver(string)`,
//! `isSemver(string, bool normalize)`, and on a version: `major()`, `minor()`, `patch()`,
//! `isGreaterThan(v)`, `isLessThan(v)`, `compareTo(v)` (-1, 0 or 1). `==` compares by
//! precedence, so build metadata does not count (`semver('1.0.0+a') == semver('1.0.0+b')`).
//!
//! Parsing is strict: exactly `MAJOR.MINOR.PATCH`, no leading zeros, no `v`, no spaces.
//! With `normalize`, a leading `v` is dropped, leading zeros are dropped and a missing minor
//! or patch becomes 0 (`v1.02` is `1.2.0`); a short version cannot carry a pre-release or
//! build part.

use std::cmp::Ordering;

use cel::common::types::{CelBool, CelInt, CelString, Type};
use cel::common::value::{StaticVal, Val};
use cel::{DeclarationError, Env, ExecutionError};

use super::url::go_quote;

static SEMVER_TYPE: Type = Type::new_unspecified_type("kubernetes.Semver");

/// One dot-separated identifier of a pre-release.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Pre {
    Num(u64),
    Text(String),
}

impl Pre {
    /// Numeric identifiers compare as numbers and before textual ones; textual ones compare
    /// by their bytes.
    fn order(&self, other: &Pre) -> Ordering {
        match (self, other) {
            (Pre::Num(a), Pre::Num(b)) => a.cmp(b),
            (Pre::Num(_), Pre::Text(_)) => Ordering::Less,
            (Pre::Text(_), Pre::Num(_)) => Ordering::Greater,
            (Pre::Text(a), Pre::Text(b)) => a.as_bytes().cmp(b.as_bytes()),
        }
    }
}

/// A version, as blang's `semver.Version` holds one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Semver {
    major: u64,
    minor: u64,
    patch: u64,
    pre: Vec<Pre>,
    build: Vec<String>,
}

impl Semver {
    /// Precedence (semver 2.0 §11): the numbers, then a version without a pre-release above
    /// one with, then the pre-release identifiers in turn, a longer list above its prefix.
    /// Build metadata does not count.
    fn order(&self, other: &Semver) -> Ordering {
        let numbers =
            (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch));
        if numbers != Ordering::Equal {
            return numbers;
        }
        match (self.pre.is_empty(), other.pre.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Greater,
            (false, true) => return Ordering::Less,
            (false, false) => {}
        }
        for (a, b) in self.pre.iter().zip(&other.pre) {
            let o = a.order(b);
            if o != Ordering::Equal {
                return o;
            }
        }
        self.pre.len().cmp(&other.pre.len())
    }
}

impl Val for Semver {
    fn get_type(&self) -> &Type {
        &SEMVER_TYPE
    }
    fn cel_type() -> &'static Type {
        &SEMVER_TYPE
    }
    fn equals(&self, other: &dyn Val) -> bool {
        other
            .downcast_ref::<Semver>()
            .is_some_and(|o| o.order(self) == Ordering::Equal)
    }
    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v> {
        Box::new(self.clone())
    }
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

impl StaticVal for Semver {}

const NUMBERS: &str = "0123456789";

fn only(s: &str, set: impl Fn(char) -> bool) -> bool {
    s.chars().all(set)
}

fn is_number_char(c: char) -> bool {
    NUMBERS.contains(c)
}

fn is_alphanum(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

fn leading_zero(s: &str) -> bool {
    s.len() > 1 && s.starts_with('0')
}

/// Go's `strconv.ParseUint(s, 10, 64)` for a string of digits, with its error text.
fn parse_uint(s: &str) -> Result<u64, String> {
    if s.is_empty() || !only(s, is_number_char) {
        return Err(format!(
            "strconv.ParseUint: parsing {}: invalid syntax",
            go_quote(s.as_bytes())
        ));
    }
    s.parse::<u64>().map_err(|_| {
        format!(
            "strconv.ParseUint: parsing {}: value out of range",
            go_quote(s.as_bytes())
        )
    })
}

/// One of the three numbers: digits only, no leading zero.
fn number(part: &str, name: &str, title: &str) -> Result<u64, String> {
    let q = go_quote(part.as_bytes());
    if !only(part, is_number_char) {
        return Err(format!("Invalid character(s) found in {name} number {q}"));
    }
    if leading_zero(part) {
        return Err(format!(
            "{title} number must not contain leading zeroes {q}"
        ));
    }
    parse_uint(part)
}

/// blang's `semver.Parse`, with its error texts.
pub fn parse(s: &str) -> Result<Semver, String> {
    if s.is_empty() {
        return Err("Version string empty".into());
    }
    let parts: Vec<&str> = s.splitn(3, '.').collect();
    let [major, minor, rest] = parts[..] else {
        return Err("No Major.Minor.Patch elements found".into());
    };
    let major = number(major, "major", "Major")?;
    let minor = number(minor, "minor", "Minor")?;
    let mut patch = rest;
    let mut build: Vec<&str> = Vec::new();
    let mut pre: Vec<&str> = Vec::new();
    if let Some(i) = patch.find('+') {
        build = patch[i + 1..].split('.').collect();
        patch = &patch[..i];
    }
    if let Some(i) = patch.find('-') {
        pre = patch[i + 1..].split('.').collect();
        patch = &patch[..i];
    }
    let patch = number(patch, "patch", "Patch")?;
    let mut version = Semver {
        major,
        minor,
        patch,
        pre: Vec::new(),
        build: Vec::new(),
    };
    for p in pre {
        if p.is_empty() {
            return Err("Prerelease is empty".into());
        }
        let q = go_quote(p.as_bytes());
        if only(p, is_number_char) {
            if leading_zero(p) {
                return Err(format!(
                    "Numeric PreRelease version must not contain leading zeroes {q}"
                ));
            }
            version.pre.push(Pre::Num(parse_uint(p)?));
        } else if only(p, is_alphanum) {
            version.pre.push(Pre::Text(p.to_string()));
        } else {
            return Err(format!("Invalid character(s) found in prerelease {q}"));
        }
    }
    for b in build {
        if b.is_empty() {
            return Err("Build meta data is empty".into());
        }
        if !only(b, is_alphanum) {
            return Err(format!(
                "Invalid character(s) found in build meta data {}",
                go_quote(b.as_bytes())
            ));
        }
        version.build.push(b.to_string());
    }
    Ok(version)
}

/// Upstream's `normalizeAndParse`: no leading `v`, no leading zeros, a missing minor or patch
/// as 0; whitespace is kept (and refused by the parse).
pub fn normalize_and_parse(s: &str) -> Result<Semver, String> {
    let s = s.strip_prefix('v').unwrap_or(s);
    let mut parts: Vec<String> = s.splitn(3, '.').map(str::to_string).collect();
    for p in &mut parts {
        if p.len() > 1 {
            let trimmed = p.trim_start_matches('0');
            *p = if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
                trimmed.to_string()
            } else {
                format!("0{trimmed}")
            };
        }
    }
    if parts.len() < 3 {
        if parts
            .last()
            .is_some_and(|p| p.contains('+') || p.contains('-'))
        {
            return Err("short version cannot contain PreRelease/Build meta data".into());
        }
        while parts.len() < 3 {
            parts.push("0".into());
        }
    }
    parse(&parts.join("."))
}

/// Adds the library to `env`.
pub fn install(env: &mut Env) -> Result<(), DeclarationError> {
    env.add_type(SEMVER_TYPE.to_owned())?;
    cel::add_overload!(env, fn semver: (CelString) -> Result<Semver>)?;
    cel::add_overload!(env, fn semver_normalize: (CelString, CelBool) -> Result<Semver>, name = "semver")?;
    cel::add_overload!(env, fn is_semver: (CelString) -> CelBool)?;
    cel::add_overload!(env, fn is_semver_normalize: (CelString, CelBool) -> CelBool, name = "isSemver")?;
    cel::add_member_overload!(env, fn major: (Semver) -> CelInt)?;
    cel::add_member_overload!(env, fn minor: (Semver) -> CelInt)?;
    cel::add_member_overload!(env, fn patch: (Semver) -> CelInt)?;
    cel::add_member_overload!(env, fn is_greater_than: (Semver, Semver) -> CelBool)?;
    cel::add_member_overload!(env, fn is_less_than: (Semver, Semver) -> CelBool)?;
    cel::add_member_overload!(env, fn compare_to: (Semver, Semver) -> CelInt)?;
    Ok(())
}

fn parsed(s: &str, normalize: bool) -> Result<Semver, String> {
    if normalize {
        normalize_and_parse(s)
    } else {
        parse(s)
    }
}

fn semver(s: &CelString<'_>) -> Result<Semver, ExecutionError> {
    parsed(s.inner(), false).map_err(|e| ExecutionError::function_error("semver", e))
}

fn semver_normalize(s: &CelString<'_>, normalize: &CelBool) -> Result<Semver, ExecutionError> {
    parsed(s.inner(), *normalize.inner()).map_err(|e| ExecutionError::function_error("semver", e))
}

fn is_semver(s: &CelString<'_>) -> CelBool {
    CelBool::from(parsed(s.inner(), false).is_ok())
}

fn is_semver_normalize(s: &CelString<'_>, normalize: &CelBool) -> CelBool {
    CelBool::from(parsed(s.inner(), *normalize.inner()).is_ok())
}

// Go converts the uint64 numbers to int64 as they are (a number above 2^63-1 wraps).
fn major(v: &Semver) -> CelInt {
    CelInt::from(v.major as i64)
}

fn minor(v: &Semver) -> CelInt {
    CelInt::from(v.minor as i64)
}

fn patch(v: &Semver) -> CelInt {
    CelInt::from(v.patch as i64)
}

fn is_greater_than(a: &Semver, b: &Semver) -> CelBool {
    CelBool::from(a.order(b) == Ordering::Greater)
}

fn is_less_than(a: &Semver, b: &Semver) -> CelBool {
    CelBool::from(a.order(b) == Ordering::Less)
}

fn compare_to(a: &Semver, b: &Semver) -> CelInt {
    CelInt::from(match a.order(b) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::sim::cel::run_plain as run;

    #[test]
    fn semver_library() {
        for src in [
            "isSemver('1.0.0') && isSemver('0.1.0-alpha.1') && isSemver('1.2.3-rc.1+build.5')",
            "!isSemver('v1.0.0') && !isSemver('01.01.01') && !isSemver('1') && !isSemver('1.1')",
            "!isSemver(' 1.0.0') && !isSemver('1.0.0 ') && !isSemver('') && !isSemver('hello')",
            "!isSemver('1.0.0-01') && !isSemver('1.0.0-') && !isSemver('1.0.0+') && !isSemver('1.0.0-a..b')",
            "isSemver('v1.0', true) && isSemver('1.0', true) && isSemver('01.01.01', true)",
            "!isSemver('v1.0', false) && !isSemver(' 1.0.0', true)",
            "semver('v1.0.0', true) == semver('1.0.0')",
            "semver('1.0', true) == semver('1.0.0')",
            "semver('1', true) == semver('1.0.0')",
            "semver('01.01.01', true) == semver('1.1.1')",
            "semver('v1.02.003-rc.1', true) == semver('1.2.3-rc.1')",
            "semver('1.2.3').major() == 1 && semver('1.2.3').minor() == 2 && semver('1.2.3').patch() == 3",
            "semver('1.2.3').isLessThan(semver('1.10.0'))",
            "semver('1.10.0').isGreaterThan(semver('1.2.3'))",
            "!semver('1.2.3').isGreaterThan(semver('1.2.3')) && !semver('1.2.3').isLessThan(semver('1.2.3'))",
            "semver('1.2.3').compareTo(semver('1.2.3')) == 0",
            "semver('1.2.3').compareTo(semver('2.0.0')) == -1",
            "semver('1.2.3').compareTo(semver('0.1.2')) == 1",
            "semver('1.0.0-alpha').isLessThan(semver('1.0.0'))",
            "semver('1.0.0-alpha').isLessThan(semver('1.0.0-alpha.1'))",
            "semver('1.0.0-alpha.1').isLessThan(semver('1.0.0-alpha.beta'))",
            "semver('1.0.0-alpha.beta').isLessThan(semver('1.0.0-beta'))",
            "semver('1.0.0-beta.2').isLessThan(semver('1.0.0-beta.11'))",
            "semver('1.0.0-beta.11').isLessThan(semver('1.0.0-rc.1'))",
            "semver('1.0.0+build.1') == semver('1.0.0+build.2')",
            "semver('1.0.0') != semver('1.0.1')",
            "type(semver('1.0.0')) == type(semver('2.0.0'))",
        ] {
            assert_eq!(run(src), Ok(json!(true)), "{src}");
        }
    }

    #[test]
    fn semver_errors_are_blangs() {
        for (src, want) in [
            ("semver('v1.0')", "No Major.Minor.Patch elements found"),
            ("semver('1')", "No Major.Minor.Patch elements found"),
            ("semver('')", "Version string empty"),
            (
                "semver('v1.0.0')",
                "Invalid character(s) found in major number \"v1\"",
            ),
            (
                "semver('01.01.01')",
                "Major number must not contain leading zeroes \"01\"",
            ),
            (
                "semver('1.01.1')",
                "Minor number must not contain leading zeroes \"01\"",
            ),
            (
                "semver('1.1.x')",
                "Invalid character(s) found in patch number \"x\"",
            ),
            (
                "semver('1..1')",
                "strconv.ParseUint: parsing \"\": invalid syntax",
            ),
            (
                "semver('1.0.0-01')",
                "Numeric PreRelease version must not contain leading zeroes \"01\"",
            ),
            (
                "semver('1.0.0-a_b')",
                "Invalid character(s) found in prerelease \"a_b\"",
            ),
            ("semver('1.0.0+')", "Build meta data is empty"),
            ("semver('1.0.0-')", "Prerelease is empty"),
            (
                "semver('1.0-rc.1', true)",
                "Invalid character(s) found in minor number \"0-rc\"",
            ),
            (
                "semver('99999999999999999999.0.0')",
                "strconv.ParseUint: parsing \"99999999999999999999\": value out of range",
            ),
            (
                "semver('1.0-rc', true)",
                "short version cannot contain PreRelease/Build meta data",
            ),
            (
                "semver('1+build', true)",
                "short version cannot contain PreRelease/Build meta data",
            ),
        ] {
            assert_eq!(run(src), Err(want.to_string()), "{src}");
        }
    }
}

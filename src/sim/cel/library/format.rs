//! `kubernetes.format` (`pkg/cel/library/format.go`): named string formats in CEL, checked by
//! the validators Kubernetes uses for them (kubegate's own ports of apimachinery's, and of
//! kube-openapi's `strfmt` for the CRD formats), with their error texts.
//!
//! `format.<name>()` for each name below gives a `kubernetes.NamedFormat`;
//! `format.named(string)` gives `optional.of(format)` for a known name and `optional.none()`
//! otherwise; `<format>.validate(string)` gives `optional.none()` for a valid string and
//! `optional.of([problems…])` otherwise. Formats compare equal when they are the same one.
//!
//! The names: `dns1123Label`, `dns1123Subdomain`, `dns1035Label`, `qualifiedName`, the
//! `…Prefix` forms of the first three (a `generateName` prefix, which may end with a dash),
//! `labelValue`, `uri`, `uuid`, `byte` (base64), `date` (`YYYY-MM-DD`) and `datetime`
//! (RFC 3339).

use cel::common::types::{CelList, CelOptional, CelString, Type};
use cel::common::value::{StaticVal, Val};
use cel::{DeclarationError, Env};

use crate::sim::labels;

static FORMAT_TYPE: Type = Type::new_unspecified_type("kubernetes.NamedFormat");

/// What a format finds wrong with a string (nothing when it is valid).
type Check = fn(&str) -> Vec<String>;

/// The formats, by name, and their checks.
const FORMATS: [(&str, Check); 13] = [
    ("dns1123Label", dns1123_label),
    ("dns1123Subdomain", labels::dns1123_subdomain_problems),
    ("dns1035Label", labels::dns1035_label_problems),
    ("qualifiedName", qualified_name),
    ("dns1123LabelPrefix", dns1123_label_prefix),
    ("dns1123SubdomainPrefix", dns1123_subdomain_prefix),
    ("dns1035LabelPrefix", dns1035_label_prefix),
    ("labelValue", labels::label_value_problems),
    ("uri", uri),
    ("uuid", uuid),
    ("byte", byte),
    ("date", date),
    ("datetime", datetime),
];

/// A `kubernetes.NamedFormat`: an index into [`FORMATS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NamedFormat(usize);

impl NamedFormat {
    /// The format of that name, if there is one.
    pub fn named(name: &str) -> Option<NamedFormat> {
        FORMATS
            .iter()
            .position(|(n, _)| *n == name)
            .map(NamedFormat)
    }

    /// What is wrong with `value` in this format; nothing when it is valid.
    pub fn problems(&self, value: &str) -> Vec<String> {
        FORMATS
            .get(self.0)
            .map_or_else(Vec::new, |(_, check)| check(value))
    }
}

impl Val for NamedFormat {
    fn get_type(&self) -> &Type {
        &FORMAT_TYPE
    }
    fn cel_type() -> &'static Type {
        &FORMAT_TYPE
    }
    fn equals(&self, other: &dyn Val) -> bool {
        other
            .downcast_ref::<NamedFormat>()
            .is_some_and(|o| o == self)
    }
    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v> {
        Box::new(*self)
    }
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

impl StaticVal for NamedFormat {}

/// Registers `format.<name>()`, a function of no arguments giving the format at `index`.
macro_rules! constant {
    ($env:expr, $fn:ident, $index:expr, $name:literal) => {{
        fn $fn() -> NamedFormat {
            NamedFormat($index)
        }
        cel::add_overload!($env, fn $fn: () -> NamedFormat, name = $name)
    }};
}

/// Adds the library to `env`.
pub fn install(env: &mut Env) -> Result<(), DeclarationError> {
    env.add_type(FORMAT_TYPE.to_owned())?;
    constant!(env, dns1123_label_format, 0, "format.dns1123Label")?;
    constant!(env, dns1123_subdomain_format, 1, "format.dns1123Subdomain")?;
    constant!(env, dns1035_label_format, 2, "format.dns1035Label")?;
    constant!(env, qualified_name_format, 3, "format.qualifiedName")?;
    constant!(
        env,
        dns1123_label_prefix_format,
        4,
        "format.dns1123LabelPrefix"
    )?;
    constant!(
        env,
        dns1123_subdomain_prefix_format,
        5,
        "format.dns1123SubdomainPrefix"
    )?;
    constant!(
        env,
        dns1035_label_prefix_format,
        6,
        "format.dns1035LabelPrefix"
    )?;
    constant!(env, label_value_format, 7, "format.labelValue")?;
    constant!(env, uri_format, 8, "format.uri")?;
    constant!(env, uuid_format, 9, "format.uuid")?;
    constant!(env, byte_format, 10, "format.byte")?;
    constant!(env, date_format, 11, "format.date")?;
    constant!(env, datetime_format, 12, "format.datetime")?;
    cel::add_overload!(env, fn named: (CelString) -> CelOptional, name = "format.named")?;
    cel::add_member_overload!(env, fn validate: (NamedFormat, CelString) -> CelOptional)?;
    Ok(())
}

fn named(name: &CelString<'_>) -> CelOptional<'static> {
    match NamedFormat::named(name.inner()) {
        Some(f) => CelOptional::of(Box::new(f)),
        None => CelOptional::none(),
    }
}

fn validate(format: &NamedFormat, value: &CelString<'_>) -> CelOptional<'static> {
    let problems = format.problems(value.inner());
    if problems.is_empty() {
        return CelOptional::none();
    }
    let list: Vec<Box<dyn Val>> = problems
        .into_iter()
        .map(|p| Box::new(CelString::from(p)) as Box<dyn Val>)
        .collect();
    CelOptional::of(Box::new(CelList::from(list)))
}

// ---- the validators ----------------------------------------------------------------------

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, whatever the length.
fn label_shape(s: &str) -> bool {
    let b = s.as_bytes();
    let end = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    b.first().is_some_and(end)
        && b.last().is_some_and(end)
        && b.iter().all(|c| end(c) || *c == b'-')
}

/// apimachinery's `IsDNS1123Label`: at most 63 bytes, and the label pattern (a name that
/// would be a valid subdomain is told it has dots).
fn dns1123_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push("must be no more than 63 bytes".to_string());
    }
    if !label_shape(value) {
        if value.split('.').all(label_shape) {
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(crate::sim::validation::DNS1123_LABEL_MSG.to_string());
        }
    }
    errs
}

/// apimachinery's `IsQualifiedName`: kubegate's label-key check, whose only difference is
/// how a key with several `/` is introduced.
fn qualified_name(value: &str) -> Vec<String> {
    labels::label_key_problems(value)
        .into_iter()
        .map(|e| match e.strip_prefix("a valid label key ") {
            Some(rest) => format!("a qualified name {rest}"),
            None => e,
        })
        .collect()
}

/// A `generateName` prefix as apimachinery's `maskTrailingDash` makes it checkable: a final
/// dash stands for the random suffix to come. Upstream replaces the last *two* bytes with an
/// `a` (so `my-prefix-` is checked as `my-prefia`); kubegate does the same.
fn mask_trailing_dash(name: &str) -> String {
    if name.len() > 1 && name.ends_with('-') {
        let mut b = name.as_bytes()[..name.len() - 2].to_vec();
        b.push(b'a');
        return String::from_utf8_lossy(&b).into_owned();
    }
    name.to_string()
}

fn dns1123_label_prefix(value: &str) -> Vec<String> {
    dns1123_label(&mask_trailing_dash(value))
}

fn dns1123_subdomain_prefix(value: &str) -> Vec<String> {
    labels::dns1123_subdomain_problems(&mask_trailing_dash(value))
}

fn dns1035_label_prefix(value: &str) -> Vec<String> {
    labels::dns1035_label_problems(&mask_trailing_dash(value))
}

/// `url.ParseRequestURI`'s error, as upstream reports it.
fn uri(value: &str) -> Vec<String> {
    match super::url::parse_request_uri(value) {
        Ok(_) => Vec::new(),
        Err(e) => vec![e],
    }
}

/// strfmt's UUID pattern: 32 hex digits (either case) in groups of 8-4-4-4-12, each dash
/// between groups optional.
fn uuid(value: &str) -> Vec<String> {
    let b = value.as_bytes();
    let mut at = 0;
    let mut ok = true;
    for (i, n) in [8usize, 4, 4, 4, 12].into_iter().enumerate() {
        if i > 0 && b.get(at) == Some(&b'-') {
            at += 1;
        }
        match b.get(at..at + n) {
            Some(group) if group.iter().all(u8::is_ascii_hexdigit) => at += n,
            _ => {
                ok = false;
                break;
            }
        }
    }
    if ok && at == b.len() {
        Vec::new()
    } else {
        vec!["does not match the UUID format".to_string()]
    }
}

/// govalidator's base64 pattern: standard alphabet, padded, at least one group of four.
fn byte(value: &str) -> Vec<String> {
    let b = value.as_bytes();
    let pad = if b.ends_with(b"==") {
        2
    } else if b.ends_with(b"=") {
        1
    } else {
        0
    };
    let alphabet = |c: &u8| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/';
    if !b.is_empty() && b.len() % 4 == 0 && b[..b.len() - pad].iter().all(alphabet) {
        Vec::new()
    } else {
        vec!["invalid base64".to_string()]
    }
}

fn two_digits(b: &[u8]) -> Option<u32> {
    match b {
        [x, y] if x.is_ascii_digit() && y.is_ascii_digit() => {
            Some(u32::from(x - b'0') * 10 + u32::from(y - b'0'))
        }
        _ => None,
    }
}

/// Go's `time.Parse("2006-01-02", s)` succeeds: four-digit year, two-digit month 1-12 and a
/// two-digit day that exists in that month.
fn is_date(value: &str) -> bool {
    let b = value.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !b[..4].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let year: u32 = b[..4]
        .iter()
        .fold(0, |acc, d| acc * 10 + u32::from(d - b'0'));
    let (Some(month), Some(day)) = (two_digits(&b[5..7]), two_digits(&b[8..10])) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

fn date(value: &str) -> Vec<String> {
    if is_date(value) {
        Vec::new()
    } else {
        vec!["invalid date".to_string()]
    }
}

/// strfmt's `IsDateTime`: lowercased and split at each `t`, the first piece a date and the
/// second `hh:mm:ss`, an optional fraction (any character, then digits) and `z` or `±hh:mm`,
/// with the hour at most 23 and minutes and seconds at most 59.
fn is_datetime(value: &str) -> bool {
    if value.len() < 4 {
        return false;
    }
    let lower = value.to_lowercase();
    let pieces: Vec<&str> = lower.split('t').collect();
    if pieces.len() < 2 || !is_date(pieces[0]) {
        return false;
    }
    let time = pieces[1];
    let b = time.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let (Some(h), Some(m), Some(s)) = (
        two_digits(&b[0..2]),
        two_digits(&b[3..5]),
        two_digits(&b[6..8]),
    ) else {
        return false;
    };
    let zone_ok = |z: &str| {
        let z = z.as_bytes();
        z == b"z"
            || (z.len() == 6
                && matches!(z[0], b'+' | b'-')
                && two_digits(&z[1..3]).is_some()
                && z[3] == b':'
                && two_digits(&z[4..6]).is_some())
    };
    let rest = &time[8..];
    // The fraction is one character of any kind and then digits; the zone never starts with
    // a digit, so the digits run up to it.
    let with_fraction = || {
        let mut chars = rest.chars();
        match chars.next() {
            Some(c) if c != '\n' => {
                let after = chars.as_str();
                let digits =
                    after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                digits > 0 && zone_ok(&after[digits..])
            }
            _ => false,
        }
    };
    (zone_ok(rest) || with_fraction()) && h <= 23 && m <= 59 && s <= 59
}

fn datetime(value: &str) -> Vec<String> {
    if is_datetime(value) {
        Vec::new()
    } else {
        vec!["invalid datetime".to_string()]
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::sim::cel::run_plain as run;

    fn yes(src: &str) {
        assert_eq!(run(src), Ok(json!(true)), "{src}");
    }

    #[test]
    fn valid_strings_validate_to_none() {
        for src in [
            "format.dns1123Label().validate('my-name') == optional.none()",
            "format.dns1123Label().validate('my-label-name') == optional.none()",
            "format.dns1123Subdomain().validate('apiextensions.k8s.io') == optional.none()",
            "format.dns1035Label().validate('my-label-name') == optional.none()",
            "format.qualifiedName().validate('apiextensions.k8s.io/v1beta1') == optional.none()",
            "format.qualifiedName().validate('my.name') == optional.none()",
            "format.dns1123LabelPrefix().validate('my-label-prefix-') == optional.none()",
            "format.dns1123SubdomainPrefix().validate('mysubdomain.prefix.-') == optional.none()",
            "format.dns1035LabelPrefix().validate('my-label-prefix-') == optional.none()",
            "format.labelValue().validate('my-cool-label-Value') == optional.none()",
            "format.labelValue().validate('') == optional.none()",
            "format.uri().validate('http://example.com') == optional.none()",
            "format.uuid().validate('123e4567-e89b-12d3-a456-426614174000') == optional.none()",
            "format.uuid().validate('123E4567E89B12D3A456426614174000') == optional.none()",
            "format.byte().validate('aGVsbG8=') == optional.none()",
            "format.byte().validate('aGk=') == optional.none() && format.byte().validate('aA==') == optional.none()",
            "format.date().validate('2021-01-01') == optional.none()",
            "format.date().validate('2024-02-29') == optional.none()",
            "format.datetime().validate('2021-01-01T00:00:00Z') == optional.none()",
            "format.datetime().validate('2021-01-01t23:59:59.123+05:30') == optional.none()",
            "!format.dns1123Label().validate('my-name').hasValue()",
        ] {
            yes(src);
        }
    }

    #[test]
    fn invalid_strings_give_upstreams_messages() {
        let label = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
        let subdomain = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
        let dns1035 = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
        let name_part = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
        let label_value = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
        for (src, want) in [
            (
                "format.dns1123Label().validate('contains a space')",
                json!([label]),
            ),
            (
                "format.dns1123Label().validate('a.b')",
                json!(["must not contain dots"]),
            ),
            (
                "format.dns1123Subdomain().validate('contains a space')",
                json!([subdomain]),
            ),
            (
                "format.dns1035Label().validate('contains a space')",
                json!([dns1035]),
            ),
            (
                "format.qualifiedName().validate('contains a space')",
                json!([name_part]),
            ),
            (
                "format.dns1123LabelPrefix().validate('contains a space-')",
                json!([label]),
            ),
            (
                "format.dns1123SubdomainPrefix().validate('contains a space-')",
                json!([subdomain]),
            ),
            (
                "format.dns1035LabelPrefix().validate('contains a space-')",
                json!([dns1035]),
            ),
            (
                "format.labelValue().validate('my-cool-label-Value!!\\n\\n!!!')",
                json!([label_value]),
            ),
            (
                "format.byte().validate('aGVsbG8')",
                json!(["invalid base64"]),
            ),
            ("format.byte().validate('')", json!(["invalid base64"])),
            (
                "format.date().validate('2020-01-32')",
                json!(["invalid date"]),
            ),
            (
                "format.date().validate('2023-02-29')",
                json!(["invalid date"]),
            ),
            (
                "format.datetime().validate('2020-01-32T00:00:00Z')",
                json!(["invalid datetime"]),
            ),
            (
                "format.datetime().validate('2020-01-01T24:00:00Z')",
                json!(["invalid datetime"]),
            ),
            (
                "format.datetime().validate('2020-01-01T00:00:00')",
                json!(["invalid datetime"]),
            ),
            (
                "format.uuid().validate('123e4567-e89b-12d3-a456-42661417400')",
                json!(["does not match the UUID format"]),
            ),
            (
                "format.uri().validate('../relative-path')",
                json!(["parse \"../relative-path\": invalid URI for request"]),
            ),
        ] {
            assert_eq!(run(&format!("{src}.value()")), Ok(want), "{src}");
            yes(&format!("{src}.hasValue()"));
        }
        assert_eq!(
            run("format.qualifiedName().validate('a/b/c').value()"),
            Ok(json!(["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]))
        );
        let long = "a".repeat(64);
        assert_eq!(
            run(&format!("format.dns1123Label().validate('{long}').value()")),
            Ok(json!(["must be no more than 63 bytes"]))
        );
    }

    #[test]
    fn formats_are_found_by_name_and_compare_by_name() {
        let names = super::FORMATS.map(|(n, _)| n);
        for a in names {
            yes(&format!("format.named('{a}').hasValue()"));
            yes(&format!("format.named('{a}').value() == format.{a}()"));
            for b in names {
                if a != b {
                    yes(&format!("format.{a}() != format.{b}()"));
                }
            }
        }
        yes("format.named('nope') == optional.none()");
        yes("!format.named('unknown').hasValue()");
        yes("format.named('dns1123Label').value().validate('My_Name').hasValue()");
    }

    #[test]
    fn prefixes_mask_the_trailing_dash_as_upstream() {
        assert_eq!(super::mask_trailing_dash("my-prefix-"), "my-prefia");
        assert_eq!(super::mask_trailing_dash("a-"), "a");
        assert_eq!(super::mask_trailing_dash("-"), "-");
        assert_eq!(super::mask_trailing_dash("abc"), "abc");
        yes("format.dns1123LabelPrefix().validate('-').hasValue()");
        yes("format.dns1123Label().validate('my-prefix-').hasValue()");
    }
}

//! Request attributes (`RequestInfo`): the first stage of the pipeline, which turns an HTTP
//! method and URL into the verb, group, resource, namespace and name that authorization sees.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb>.
//!
//! This is a Rust port of kube-apiserver's request-info resolver (v1.35 behaviour), including
//! the parts of list-option decoding it relies on: the field selector grammar, the label
//! selector grammar (only to decide whether it is valid), and Go's query-string decoding.

use std::fmt;

use serde::Serialize;

/// Path roots that carry API resources.
const API_PREFIXES: [&str; 2] = ["api", "apis"];
/// Path roots whose resources have no API group segment (the legacy core group).
const GROUPLESS_API_PREFIXES: [&str; 1] = ["api"];
/// Deprecated verbs spelled as the first path segment after the version.
const SPECIAL_VERBS: [&str; 2] = ["proxy", "watch"];
/// Special verbs after which the trailing segments are not a subresource.
const SPECIAL_VERBS_NO_SUBRESOURCES: [&str; 1] = ["proxy"];
/// Subresources of a namespace, as opposed to resources inside it.
const NAMESPACE_SUBRESOURCES: [&str; 2] = ["status", "finalize"];
/// Verbs for which the raw `fieldSelector` / `labelSelector` are recorded.
const VERBS_WITH_SELECTORS: [&str; 3] = ["list", "watch", "deletecollection"];

/// Everything the API server knows about a request before authentication and authorization:
/// the Kubernetes verb and the object the request is about.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestInfo {
    /// True for requests under `/api/<v>/…` or `/apis/<g>/<v>/…` that name a resource.
    pub is_resource_request: bool,
    /// The decoded URL path, without the query.
    pub path: String,
    /// The Kubernetes verb (`get`, `list`, `watch`, `create`, …) for resource requests;
    /// the lowercase HTTP method for non-resource requests; `""` for an unmapped method.
    pub verb: String,
    /// `api` or `apis` (also set when a short `/apis/...` path turns out non-resource).
    pub api_prefix: String,
    /// The API group; empty for the core group.
    pub api_group: String,
    /// The API version, such as `v1`.
    pub api_version: String,
    /// The namespace; empty for cluster-scoped or all-namespace requests.
    pub namespace: String,
    /// The resource, such as `pods`.
    pub resource: String,
    /// The subresource, such as `status` or `log`.
    pub subresource: String,
    /// The object name, from the path or from a `metadata.name` field selector on list/watch.
    pub name: String,
    /// Path segments starting at the resource: `resource/name/subresource/...`.
    #[serde(skip)]
    pub parts: Vec<String>,
    /// The raw `fieldSelector` query value, kept for list, watch and deletecollection.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub field_selector: String,
    /// The raw `labelSelector` query value, kept for list, watch and deletecollection.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label_selector: String,
}

/// The resolver could not make sense of a resource path (for example `/api/v1/watch` with
/// nothing after the special verb). kube-apiserver answers such requests with a 500.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestInfoError {
    /// What had been worked out before the failure.
    pub partial: Box<RequestInfo>,
    /// Why resolution stopped.
    pub message: String,
}

impl fmt::Display for RequestInfoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RequestInfoError {}

/// Resolves method + URL (path with optional ?query, percent-encoded as on the wire).
///
/// When resolution fails (see [`resolve_request_info`]) the partially filled info is
/// returned, as upstream does alongside its error.
pub fn request_info(method: &str, url: &str) -> RequestInfo {
    match resolve_request_info(method, url) {
        Ok(info) => info,
        Err(err) => *err.partial,
    }
}

/// Like [`request_info`], but reports the one case upstream treats as an error: a special
/// verb (`watch`, `proxy`) with nothing after it.
pub fn resolve_request_info(method: &str, url: &str) -> Result<RequestInfo, RequestInfoError> {
    let (raw_path, _) = split_url(url);
    let path = decode_path(raw_path);
    let params = query_params(url);

    // Non-resource until proven otherwise.
    let mut info = RequestInfo {
        path: path.clone(),
        verb: method.to_ascii_lowercase(),
        ..RequestInfo::default()
    };

    let segments = split_path(&path);
    let Some((prefix, mut rest)) = segments.split_first() else {
        return Ok(info);
    };
    if segments.len() < 3 || !API_PREFIXES.contains(&prefix.as_str()) {
        return Ok(info);
    }
    info.api_prefix = prefix.clone();

    if !GROUPLESS_API_PREFIXES.contains(&prefix.as_str()) {
        // The prefix is already consumed: a grouped path needs group, version and more.
        if rest.len() < 3 {
            return Ok(info);
        }
        if let Some((group, after)) = rest.split_first() {
            info.api_group = group.clone();
            rest = after;
        }
    }

    info.is_resource_request = true;
    if let Some((version, after)) = rest.split_first() {
        info.api_version = version.clone();
        rest = after;
    }

    // Forms like /{specialVerb}/...
    let mut verb_via_path_prefix = false;
    match rest.split_first() {
        Some((first, after)) if SPECIAL_VERBS.contains(&first.as_str()) => {
            if after.is_empty() {
                return Err(RequestInfoError {
                    partial: Box::new(info),
                    message: format!("unable to determine kind and namespace from url, {url}"),
                });
            }
            info.verb = first.clone();
            rest = after;
            verb_via_path_prefix = true;
        }
        _ => info.verb = method_verb(method).to_string(),
    }

    // Forms like /namespaces/{namespace}/{resource}/...: re-base on the resource, unless the
    // segment after the namespace name is a subresource of the namespace itself.
    if rest.first().map(String::as_str) == Some("namespaces") {
        if let Some(namespace) = rest.get(1) {
            info.namespace = namespace.clone();
            if let (Some(next), Some(tail)) = (rest.get(2), rest.get(2..)) {
                if !NAMESPACE_SUBRESOURCES.contains(&next.as_str()) {
                    rest = tail;
                }
            }
        }
    }

    info.parts = rest.to_vec();

    // resource/name/subresource/anything/else/is/not/interpreted
    if !SPECIAL_VERBS_NO_SUBRESOURCES.contains(&info.verb.as_str()) {
        if let Some(subresource) = info.parts.get(2) {
            info.subresource = subresource.clone();
        }
    }
    if let Some(name) = info.parts.get(1) {
        info.name = name.clone();
    }
    if let Some(resource) = info.parts.first() {
        info.resource = resource.clone();
    }

    // A get without a name is a list or a watch; a field selector that pins metadata.name
    // supplies the name (so resourceNames rules can apply to list/watch).
    if info.name.is_empty() && info.verb == "get" {
        info.verb = if watch_requested(&params) {
            "watch".to_string()
        } else {
            "list".to_string()
        };
        // Any list-option decoding failure drops the parsed selectors (upstream logs it).
        if let Ok(Some(terms)) = decode_list_options(&params) {
            if let Some(name) = field_exact_match(&terms, "metadata.name") {
                if is_valid_path_segment_name(name) {
                    info.name = name.to_string();
                }
            }
        }
    }

    // A delete without a name is a deletecollection.
    if info.name.is_empty() && info.verb == "delete" {
        info.verb = "deletecollection".to_string();
    }

    // AuthorizeWithSelectors: keep the raw selectors, except on the deprecated verb-in-path
    // endpoints, which do not support them consistently.
    if !verb_via_path_prefix && VERBS_WITH_SELECTORS.contains(&info.verb.as_str()) {
        if let Some(value) = first_param(&params, "fieldSelector") {
            info.field_selector = value.to_string();
        }
        if let Some(value) = first_param(&params, "labelSelector") {
            info.label_selector = value.to_string();
        }
    }

    Ok(info)
}

/// Decoded query parameters in order (key, value), percent- and '+'-decoded like Go's url.ParseQuery.
///
/// As in Go, pairs are separated by `&` only; a pair containing `;` or a malformed `%`
/// escape is skipped, and a pair without `=` has an empty value. Bytes that do not form
/// UTF-8 after decoding are replaced with U+FFFD.
pub fn query_params(url: &str) -> Vec<(String, String)> {
    let (_, query) = split_url(url);
    let mut out = Vec::new();
    for pair in query.split('&') {
        if pair.contains(';') || pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if let (Some(key), Some(value)) = (query_unescape(key), query_unescape(value)) {
            out.push((key, value));
        }
    }
    out
}

/// The HTTP method's verb for a resource request; methods upstream does not map give `""`.
fn method_verb(method: &str) -> &'static str {
    match method {
        "POST" => "create",
        "GET" | "HEAD" => "get",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => "delete",
        _ => "",
    }
}

/// Splits a request target into raw path and raw query at the first `?`.
fn split_url(url: &str) -> (&str, &str) {
    url.split_once('?').unwrap_or((url, ""))
}

/// Path segments after trimming all leading and trailing slashes.
fn split_path(path: &str) -> Vec<String> {
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        return Vec::new();
    }
    trimmed.split('/').map(str::to_string).collect()
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` at the start of `bytes` (which begins with `%`).
fn percent_byte(bytes: &[u8]) -> Option<u8> {
    let high = hex_value(*bytes.get(1)?)?;
    let low = hex_value(*bytes.get(2)?)?;
    Some(high << 4 | low)
}

/// Percent-decodes a URL path the way Go fills `URL.Path` (`+` stays `+`). Go's server
/// rejects a malformed escape with 400 before any filter runs; here it is kept literally.
fn decode_path(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(rest) = bytes.get(i..) {
        let Some(&byte) = rest.first() else { break };
        match (byte, percent_byte(rest)) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Go's `url.QueryUnescape`: `+` is a space and every `%` must start a valid escape.
fn query_unescape(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(rest) = bytes.get(i..) {
        let Some(&byte) = rest.first() else { break };
        match byte {
            b'%' => {
                out.push(percent_byte(rest)?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(byte);
                i += 1;
            }
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

fn first_param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The `watch` parameter as a boolean: present and not `false`/`0` (case-insensitive).
fn watch_requested(params: &[(String, String)]) -> bool {
    match first_param(params, "watch") {
        Some(value) => !(value == "0" || value.eq_ignore_ascii_case("false")),
        None => false,
    }
}

/// Mirrors decoding the query into internal `ListOptions`: fails when `timeoutSeconds` or
/// `limit` is not an integer or either selector does not parse. On success returns the
/// parsed field selector, or `None` when there were no query parameters at all.
fn decode_list_options(params: &[(String, String)]) -> Result<Option<Vec<FieldTerm>>, String> {
    if params.is_empty() {
        return Ok(None);
    }
    for key in ["timeoutSeconds", "limit"] {
        if let Some(value) = first_param(params, key) {
            value
                .parse::<i64>()
                .map_err(|err| format!("{key}: {err}"))?;
        }
    }
    let terms = super::fieldsel::parse_syntax(first_param(params, "fieldSelector").unwrap_or(""))?;
    super::labels::parse(first_param(params, "labelSelector").unwrap_or(""))?;
    Ok(Some(terms))
}

/// The value the selector requires `field` to equal, if any (first such term wins).
fn field_exact_match<'a>(terms: &'a [FieldTerm], field: &str) -> Option<&'a str> {
    terms
        .iter()
        .find(|t| t.equals && t.field == field)
        .map(|t| t.value.as_str())
}

/// One parsed field-selector requirement.
type FieldTerm = super::fieldsel::Requirement;

/// Whether a name can be used as one path segment: not `.` or `..`, no `/` or `%`.
fn is_valid_path_segment_name(name: &str) -> bool {
    name != "." && name != ".." && !name.contains('/') && !name.contains('%')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    /// Upstream's TestGetAPIRequestInfo success table (all rows). Upstream lists "api" as the
    /// prefix for every row but never checks it; the real prefix is asserted here.
    #[test]
    fn api_request_info_table() {
        struct Row {
            method: &'static str,
            url: &'static str,
            verb: &'static str,
            prefix: &'static str,
            group: &'static str,
            version: &'static str,
            namespace: &'static str,
            resource: &'static str,
            subresource: &'static str,
            name: &'static str,
            parts: &'static [&'static str],
        }
        #[allow(clippy::too_many_arguments)]
        const fn row(
            method: &'static str,
            url: &'static str,
            verb: &'static str,
            prefix: &'static str,
            group: &'static str,
            version: &'static str,
            namespace: &'static str,
            resource: &'static str,
            subresource: &'static str,
            name: &'static str,
            parts: &'static [&'static str],
        ) -> Row {
            Row {
                method,
                url,
                verb,
                prefix,
                group,
                version,
                namespace,
                resource,
                subresource,
                name,
                parts,
            }
        }
        #[rustfmt::skip]
        let rows = [
            // resource paths
            row("GET", "/api/v1/namespaces", "list", "api", "", "v1", "", "namespaces", "", "", &["namespaces"]),
            row("GET", "/api/v1/namespaces/other", "get", "api", "", "v1", "other", "namespaces", "", "other", &["namespaces", "other"]),
            row("GET", "/api/v1/namespaces/other/pods", "list", "api", "", "v1", "other", "pods", "", "", &["pods"]),
            row("GET", "/api/v1/namespaces/other/pods/foo", "get", "api", "", "v1", "other", "pods", "", "foo", &["pods", "foo"]),
            row("HEAD", "/api/v1/namespaces/other/pods/foo", "get", "api", "", "v1", "other", "pods", "", "foo", &["pods", "foo"]),
            row("GET", "/api/v1/pods", "list", "api", "", "v1", "", "pods", "", "", &["pods"]),
            row("HEAD", "/api/v1/pods", "list", "api", "", "v1", "", "pods", "", "", &["pods"]),
            row("GET", "/api/v1/namespaces/other/pods/foo", "get", "api", "", "v1", "other", "pods", "", "foo", &["pods", "foo"]),
            row("GET", "/api/v1/namespaces/other/pods", "list", "api", "", "v1", "other", "pods", "", "", &["pods"]),
            // special verbs
            row("GET", "/api/v1/proxy/namespaces/other/pods/foo", "proxy", "api", "", "v1", "other", "pods", "", "foo", &["pods", "foo"]),
            row("GET", "/api/v1/proxy/namespaces/other/pods/foo/subpath/not/a/subresource", "proxy", "api", "", "v1", "other", "pods", "", "foo", &["pods", "foo", "subpath", "not", "a", "subresource"]),
            row("GET", "/api/v1/watch/pods", "watch", "api", "", "v1", "", "pods", "", "", &["pods"]),
            row("GET", "/api/v1/pods?watch=true", "watch", "api", "", "v1", "", "pods", "", "", &["pods"]),
            row("GET", "/api/v1/pods?watch=false", "list", "api", "", "v1", "", "pods", "", "", &["pods"]),
            row("GET", "/api/v1/watch/namespaces/other/pods", "watch", "api", "", "v1", "other", "pods", "", "", &["pods"]),
            row("GET", "/api/v1/namespaces/other/pods?watch=1", "watch", "api", "", "v1", "other", "pods", "", "", &["pods"]),
            row("GET", "/api/v1/namespaces/other/pods?watch=0", "list", "api", "", "v1", "other", "pods", "", "", &["pods"]),
            // subresource identification
            row("GET", "/api/v1/namespaces/other/pods/foo/status", "get", "api", "", "v1", "other", "pods", "status", "foo", &["pods", "foo", "status"]),
            row("GET", "/api/v1/namespaces/other/pods/foo/proxy/subpath", "get", "api", "", "v1", "other", "pods", "proxy", "foo", &["pods", "foo", "proxy", "subpath"]),
            row("PUT", "/api/v1/namespaces/other/finalize", "update", "api", "", "v1", "other", "namespaces", "finalize", "other", &["namespaces", "other", "finalize"]),
            row("PUT", "/api/v1/namespaces/other/status", "update", "api", "", "v1", "other", "namespaces", "status", "other", &["namespaces", "other", "status"]),
            // verb identification
            row("PATCH", "/api/v1/namespaces/other/pods/foo", "patch", "api", "", "v1", "other", "pods", "", "foo", &["pods", "foo"]),
            row("DELETE", "/api/v1/namespaces/other/pods/foo", "delete", "api", "", "v1", "other", "pods", "", "foo", &["pods", "foo"]),
            row("POST", "/api/v1/namespaces/other/pods", "create", "api", "", "v1", "other", "pods", "", "", &["pods"]),
            // deletecollection verb identification
            row("DELETE", "/api/v1/nodes", "deletecollection", "api", "", "v1", "", "nodes", "", "", &["nodes"]),
            row("DELETE", "/api/v1/namespaces", "deletecollection", "api", "", "v1", "", "namespaces", "", "", &["namespaces"]),
            row("DELETE", "/api/v1/namespaces/other/pods", "deletecollection", "api", "", "v1", "other", "pods", "", "", &["pods"]),
            row("DELETE", "/apis/extensions/v1/namespaces/other/pods", "deletecollection", "apis", "extensions", "v1", "other", "pods", "", "", &["pods"]),
            // api group identification
            row("POST", "/apis/extensions/v1/namespaces/other/pods", "create", "apis", "extensions", "v1", "other", "pods", "", "", &["pods"]),
            // api version identification
            row("POST", "/apis/extensions/v1beta3/namespaces/other/pods", "create", "apis", "extensions", "v1beta3", "other", "pods", "", "", &["pods"]),
        ];
        assert_eq!(rows.len(), 30);
        for r in &rows {
            let got = resolve_request_info(r.method, r.url)
                .unwrap_or_else(|err| panic!("{} {}: unexpected error {err}", r.method, r.url));
            let want = RequestInfo {
                is_resource_request: true,
                path: split_url(r.url).0.to_string(),
                verb: r.verb.to_string(),
                api_prefix: r.prefix.to_string(),
                api_group: r.group.to_string(),
                api_version: r.version.to_string(),
                namespace: r.namespace.to_string(),
                resource: r.resource.to_string(),
                subresource: r.subresource.to_string(),
                name: r.name.to_string(),
                parts: strings(r.parts),
                field_selector: String::new(),
                label_selector: String::new(),
            };
            assert_eq!(got, want, "{} {}", r.method, r.url);
        }
    }

    /// Upstream's error-URL map: these resolve without error, as non-resource requests.
    #[test]
    fn error_urls_are_non_resource_requests() {
        let cases = [
            ("no resource path", "/", ""),
            ("just apiversion", "/api/version/", ""),
            (
                "just prefix, group, version",
                "/apis/group/version/",
                "apis",
            ),
            ("apiversion with no resource", "/api/version/", ""),
            ("bad prefix", "/badprefix/version/resource", ""),
            ("missing api group", "/apis/version/resource", "apis"),
        ];
        for (label, url, prefix) in cases {
            let info = resolve_request_info("GET", url)
                .unwrap_or_else(|err| panic!("{label}: unexpected error {err}"));
            assert!(!info.is_resource_request, "{label}");
            assert_eq!(info.verb, "get", "{label}");
            assert_eq!(info.path, url, "{label}");
            // The prefix is recorded before a grouped path is found to be too short.
            assert_eq!(info.api_prefix, prefix, "{label}");
            assert!(info.parts.is_empty(), "{label}");
            assert!(
                info.resource.is_empty() && info.api_version.is_empty(),
                "{label}"
            );
        }
    }

    /// Upstream's TestGetNonAPIRequestInfo.
    #[test]
    fn non_api_request_info() {
        let cases = [
            ("simple groupless", "/api/version/resource", true),
            (
                "simple group",
                "/apis/group/version/resource/name/subresource",
                true,
            ),
            ("more steps", "/api/version/resource/name/subresource", true),
            ("group list", "/apis/batch/v1/job", true),
            ("group get", "/apis/batch/v1/job/foo", true),
            ("group subresource", "/apis/batch/v1/job/foo/scale", true),
            ("bad root", "/not-api/version/resource", false),
            (
                "group without enough steps",
                "/apis/extensions/v1beta1",
                false,
            ),
            (
                "group without enough steps 2",
                "/apis/extensions/v1beta1/",
                false,
            ),
            ("not enough steps", "/api/version", false),
            ("one step", "/api", false),
            ("zero step", "/", false),
            ("empty", "", false),
        ];
        for (label, url, resource_request) in cases {
            let info = resolve_request_info("GET", url)
                .unwrap_or_else(|err| panic!("{label}: unexpected error {err}"));
            assert_eq!(info.is_resource_request, resource_request, "{label}");
        }
        // Spot-check what the resource ones resolve to.
        let info = request_info("GET", "/apis/group/version/resource/name/subresource");
        assert_eq!(
            (
                info.api_group.as_str(),
                info.resource.as_str(),
                info.name.as_str(),
                info.subresource.as_str()
            ),
            ("group", "resource", "name", "subresource")
        );
    }

    struct SelectorRow {
        label: &'static str,
        method: &'static str,
        url: &'static str,
        name: &'static str,
        verb: &'static str,
        field_selector: &'static str,
        label_selector: &'static str,
    }

    fn check_selector_rows(rows: &[SelectorRow]) {
        for r in rows {
            let info = resolve_request_info(r.method, r.url)
                .unwrap_or_else(|err| panic!("{}: unexpected error {err}", r.label));
            assert_eq!(info.name, r.name, "{}: name", r.label);
            assert_eq!(info.verb, r.verb, "{}: verb", r.label);
            assert_eq!(
                info.field_selector, r.field_selector,
                "{}: fieldSelector",
                r.label
            );
            assert_eq!(
                info.label_selector, r.label_selector,
                "{}: labelSelector",
                r.label
            );
        }
    }

    /// Upstream's selector-parsing table (TestSelectorParsing, which grew out of
    /// TestFieldSelectorParsing), with AuthorizeWithSelectors on.
    #[test]
    fn field_selector_parsing() {
        let sel = |label, method, url, name, verb, field_selector, label_selector| SelectorRow {
            label,
            method,
            url,
            name,
            verb,
            field_selector,
            label_selector,
        };
        check_selector_rows(&[
            sel("no selector", "GET", "/apis/group/version/resource", "", "list", "", ""),
            sel(
                "metadata.name selector",
                "GET",
                "/apis/group/version/resource?fieldSelector=metadata.name=name1",
                "name1",
                "list",
                "metadata.name=name1",
                "",
            ),
            sel(
                "metadata.name selector with watch",
                "GET",
                "/apis/group/version/resource?watch=true&fieldSelector=metadata.name=name1",
                "name1",
                "watch",
                "metadata.name=name1",
                "",
            ),
            sel(
                "random selector",
                "GET",
                "/apis/group/version/resource?fieldSelector=foo=bar&labelSelector=baz=qux",
                "",
                "list",
                "foo=bar",
                "baz=qux",
            ),
            sel(
                "invalid selector with metadata.name",
                "GET",
                "/apis/group/version/resource?fieldSelector=metadata.name=name1,foo",
                "",
                "list",
                "metadata.name=name1,foo",
                "",
            ),
            sel(
                "invalid selector with metadata.name with watch",
                "GET",
                "/apis/group/version/resource?fieldSelector=metadata.name=name1,foo&watch=true",
                "",
                "watch",
                "metadata.name=name1,foo",
                "",
            ),
            sel(
                "invalid selector with metadata.name with watch false",
                "GET",
                "/apis/group/version/resource?fieldSelector=metadata.name=name1,foo&watch=false",
                "",
                "list",
                "metadata.name=name1,foo",
                "",
            ),
            sel(
                "selector on deletecollection is honored",
                "DELETE",
                "/apis/group/version/resource?fieldSelector=foo=bar&labelSelector=baz=qux",
                "",
                "deletecollection",
                "foo=bar",
                "baz=qux",
            ),
            sel(
                "selector on repeated param matches parsed param",
                "GET",
                "/apis/group/version/resource?fieldSelector=metadata.name=foo&fieldSelector=metadata.name=bar&labelSelector=foo=bar&labelSelector=foo=baz",
                "foo",
                "list",
                "metadata.name=foo",
                "foo=bar",
            ),
            sel(
                "selector on other verb is ignored",
                "GET",
                "/apis/group/version/resource/name?fieldSelector=foo=bar&labelSelector=foo=bar",
                "name",
                "get",
                "",
                "",
            ),
            sel(
                "selector on deprecated root type watch is not parsed",
                "GET",
                "/apis/group/version/watch/resource?fieldSelector=metadata.name=foo&labelSelector=foo=bar",
                "",
                "watch",
                "",
                "",
            ),
            sel(
                "selector on deprecated root item watch is not parsed",
                "GET",
                "/apis/group/version/watch/resource/name?fieldSelector=metadata.name=foo&labelSelector=foo=bar",
                "name",
                "watch",
                "",
                "",
            ),
        ]);
    }

    /// Further metadata.name cases that follow from the upstream selector code.
    #[test]
    fn metadata_name_selector_rules() {
        let base = "/api/v1/namespaces/ns/pods?fieldSelector=";
        let cases: &[(&str, &str)] = &[
            ("metadata.name==x", "x"),
            ("metadata.name%3D%3Dx", "x"),
            ("metadata.name!=x", ""),
            // Several requirements: the first exact match in sorted term order wins.
            ("metadata.name=x,spec.nodeName=n1", "x"),
            ("spec.nodeName=n1,metadata.name=x", "x"),
            ("metadata.name=b,metadata.name=a", "a"),
            ("metadata.name!=x,metadata.name=y", "y"),
            // Escaped values are unescaped before use.
            ("metadata.name=a%5C,b", "a,b"),
            ("metadata.name=a%5C%5Cb", "a\\b"),
            // Bad escapes or bare '=' in a value make the selector invalid.
            ("metadata.name=a%5Cb", ""),
            ("metadata.name=a=b", ""),
            // The name must be usable as a path segment.
            ("metadata.name=a%2Fb", ""),
            ("metadata.name=a%25b", ""),
            ("metadata.name=..", ""),
            ("metadata.name=.", ""),
            ("metadata.name=", ""),
            ("name=x", ""),
            ("", ""),
        ];
        for (selector, name) in cases {
            let info = request_info("GET", &format!("{base}{selector}"));
            assert_eq!(info.name, *name, "fieldSelector={selector}");
            assert_eq!(info.verb, "list", "fieldSelector={selector}");
            assert_eq!(info.resource, "pods", "fieldSelector={selector}");
        }
    }

    /// Any list-option decoding failure drops the parsed field selector, but the raw
    /// selectors and the watch flag still come through.
    #[test]
    fn list_option_decode_failures_fall_back() {
        let base = "/api/v1/pods?fieldSelector=metadata.name%3Dweb";
        let cases: &[(&str, &str, &str)] = &[
            ("", "web", "list"),
            (
                "&limit=500&timeoutSeconds=30&resourceVersion=0",
                "web",
                "list",
            ),
            ("&limit=-1&timeoutSeconds=%2B5", "web", "list"),
            ("&limit=ten", "", "list"),
            ("&limit=", "", "list"),
            ("&timeoutSeconds=1.5", "", "list"),
            ("&limit=99999999999999999999", "", "list"),
            ("&labelSelector=app%3Dweb", "web", "list"),
            ("&labelSelector=app+in+(a,b),!canary", "web", "list"),
            ("&labelSelector=app%3D%3D", "web", "list"),
            ("&labelSelector=-bad%3Dx", "", "list"),
            ("&labelSelector=app%3Dx,", "", "watch"),
            ("&labelSelector=app%3Dx&watch=yes", "web", "watch"),
            ("&labelSelector=app%3Dx%3Dy&watch=FALSE", "", "list"),
            // Only the first value of a repeated key is decoded.
            ("&limit=5&limit=x", "web", "list"),
        ];
        for (extra, name, verb) in cases {
            let url = if *verb == "watch" && !extra.contains("watch=") {
                format!("{base}{extra}&watch=1")
            } else {
                format!("{base}{extra}")
            };
            let info = request_info("GET", &url);
            assert_eq!(info.name, *name, "{url}");
            assert_eq!(info.verb, *verb, "{url}");
            assert_eq!(info.field_selector, "metadata.name=web", "{url}");
        }
        let info = request_info("GET", "/api/v1/pods?labelSelector=-bad");
        assert_eq!(info.label_selector, "-bad");
    }

    #[test]
    fn label_selector_validity() {
        let valid = [
            "",
            "  ",
            "a",
            "!a",
            "a,b",
            "a=b",
            "a==b",
            "a!=b",
            "a=",
            "a=,b",
            "a in (x,y)",
            "a notin (x)",
            "a in ()",
            "a in (,)",
            "a in (x,,y)",
            "in in (in, notin)",
            "a>5",
            "a<3",
            "a > 7",
            "example.com/app=web",
            "app.kubernetes.io/name=web_1",
            // A NUL byte between tokens reads as the end of input.
            "a \u{0}garbage",
        ];
        for selector in valid {
            assert_eq!(
                crate::sim::labels::parse(selector).map(|_| ()),
                Ok(()),
                "{selector:?}"
            );
        }
        let invalid = [
            ",",
            "a,",
            ",a",
            "a b",
            "a=b=c",
            "a=(b)",
            "!a=b",
            "a in x",
            "a in (x",
            "a in (x y)",
            "a>x",
            "a>",
            "a>1.5",
            // Gt/Lt values must also be valid label values, so no sign.
            "a<-3",
            "a>+7",
            "a=-b",
            "a=b_",
            "-a",
            "a/b/c",
            "/a",
            "Example.com/a",
            "a\u{e9}=b",
            "a!",
            "ab\u{0}cd",
            "a\u{0}garbage",
        ];
        for selector in invalid {
            assert!(crate::sim::labels::parse(selector).is_err(), "{selector:?}");
        }
        let long_key = "k".repeat(64);
        assert!(crate::sim::labels::parse(&long_key).is_err());
        assert!(crate::sim::labels::parse(&"k".repeat(63)).is_ok());
        let long_value = format!("a={}", "v".repeat(64));
        assert!(crate::sim::labels::parse(&long_value).is_err());
    }

    #[test]
    fn field_selector_grammar() {
        let term = |field: &str, equals, value: &str| FieldTerm {
            field: field.to_string(),
            equals,
            value: value.to_string(),
        };
        assert_eq!(crate::sim::fieldsel::parse_syntax(""), Ok(vec![]));
        assert_eq!(crate::sim::fieldsel::parse_syntax(",,"), Ok(vec![]));
        assert_eq!(crate::sim::fieldsel::parse_syntax("="), Ok(vec![]));
        assert_eq!(
            crate::sim::fieldsel::parse_syntax("a=b"),
            Ok(vec![term("a", true, "b")])
        );
        assert_eq!(
            crate::sim::fieldsel::parse_syntax("a==b"),
            Ok(vec![term("a", true, "b")])
        );
        assert_eq!(
            crate::sim::fieldsel::parse_syntax("a!=b"),
            Ok(vec![term("a", false, "b")])
        );
        assert_eq!(
            crate::sim::fieldsel::parse_syntax("a="),
            Ok(vec![term("a", true, "")])
        );
        assert_eq!(
            crate::sim::fieldsel::parse_syntax("z=1,a!=2"),
            Ok(vec![term("a", false, "2"), term("z", true, "1")])
        );
        assert_eq!(
            crate::sim::fieldsel::parse_syntax(r"a=x\,y,b=\=\\"),
            Ok(vec![term("a", true, "x,y"), term("b", true, r"=\")])
        );
        for bad in ["a", "a=b,c", r"a=b\", r"a=\q", "a=b=c", "a==b=c", "a!=="] {
            assert!(crate::sim::fieldsel::parse_syntax(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn query_params_decode_like_go() {
        let pairs = |items: &[(&str, &str)]| -> Vec<(String, String)> {
            items
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(query_params("/api/v1/pods"), pairs(&[]));
        assert_eq!(query_params("/x?"), pairs(&[]));
        assert_eq!(
            query_params("/x?a=1&b=two+words&c=%3D%26&a=2"),
            pairs(&[("a", "1"), ("b", "two words"), ("c", "=&"), ("a", "2")])
        );
        assert_eq!(
            query_params("/x?flag&&empty=&k%20ey=v=w"),
            pairs(&[("flag", ""), ("empty", ""), ("k ey", "v=w")])
        );
        // Malformed escapes and semicolons drop just that pair.
        assert_eq!(
            query_params("/x?bad=%zz&ok=1&semi=1;x=2&tail=%4"),
            pairs(&[("ok", "1")])
        );
        // Invalid UTF-8 is replaced rather than rejected.
        assert_eq!(query_params("/x?v=%FF"), pairs(&[("v", "\u{FFFD}")]));
        // Only the first '?' splits path from query.
        assert_eq!(query_params("/x?a=b?c"), pairs(&[("a", "b?c")]));
    }

    #[test]
    fn path_is_decoded_before_splitting() {
        let info = request_info("GET", "/api/v1/namespaces/a%2Db/pods/p%2Fq?watch=1");
        assert_eq!(info.path, "/api/v1/namespaces/a-b/pods/p/q");
        assert_eq!(info.namespace, "a-b");
        assert_eq!((info.name.as_str(), info.subresource.as_str()), ("p", "q"));
        // '+' is not a space in a path; a malformed escape is kept literally.
        let info = request_info("GET", "/api/v1/pods/a+b%zz");
        assert_eq!(info.name, "a+b%zz");
        // Repeated and trailing slashes: trimmed at the ends, kept inside.
        let info = request_info("GET", "//api/v1//pods/");
        assert_eq!(info.parts, strings(&["", "pods"]));
        assert_eq!((info.resource.as_str(), info.name.as_str()), ("", "pods"));
        assert_eq!(info.verb, "get");
    }

    #[test]
    fn verbs_for_methods() {
        let cases = [
            ("GET", "/api/v1/nodes/n1", "get"),
            ("HEAD", "/api/v1/nodes", "list"),
            ("POST", "/api/v1/nodes", "create"),
            ("PUT", "/api/v1/nodes/n1", "update"),
            ("PATCH", "/api/v1/nodes/n1/status", "patch"),
            ("DELETE", "/api/v1/nodes/n1", "delete"),
            ("DELETE", "/api/v1/nodes", "deletecollection"),
            ("OPTIONS", "/api/v1/nodes", ""),
            ("CONNECT", "/api/v1/nodes/n1/proxy", ""),
            ("get", "/api/v1/nodes", ""),
            // Non-resource requests use the lowercase method.
            ("GET", "/healthz", "get"),
            ("HEAD", "/version", "head"),
            ("POST", "/apis/apps/v1", "post"),
            ("OPTIONS", "/openapi/v2", "options"),
        ];
        for (method, url, verb) in cases {
            assert_eq!(request_info(method, url).verb, verb, "{method} {url}");
        }
        // Watch via the path keeps "watch" even with an item name, and watch=false does
        // not turn it back into a list.
        let info = request_info("GET", "/api/v1/watch/namespaces/ns/pods/p?watch=false");
        assert_eq!((info.verb.as_str(), info.name.as_str()), ("watch", "p"));
        // A proxy-style subresource is only a subresource when not under the proxy verb.
        let info = request_info("POST", "/api/v1/proxy/nodes/n1/stats");
        assert_eq!(info.verb, "proxy");
        assert_eq!(info.subresource, "");
        assert_eq!(info.parts, strings(&["nodes", "n1", "stats"]));
        // watch query values other than false/0 (any case) mean watch.
        for (value, verb) in [
            ("", "watch"),
            ("FALSE", "list"),
            ("False", "list"),
            ("no", "watch"),
        ] {
            let url = format!("/api/v1/pods?watch={value}");
            assert_eq!(request_info("GET", &url).verb, verb, "{url}");
        }
    }

    #[test]
    fn namespace_handling() {
        let info = request_info("GET", "/api/v1/namespaces/blue");
        assert_eq!(
            (
                info.resource.as_str(),
                info.name.as_str(),
                info.namespace.as_str()
            ),
            ("namespaces", "blue", "blue")
        );
        let info = request_info("PUT", "/api/v1/namespaces/blue/finalize");
        assert_eq!(info.subresource, "finalize");
        assert_eq!(info.namespace, "blue");
        let info = request_info("GET", "/apis/apps/v1/namespaces/b/deployments/d/scale");
        assert_eq!(
            (
                info.api_group.as_str(),
                info.namespace.as_str(),
                info.resource.as_str(),
                info.name.as_str(),
                info.subresource.as_str()
            ),
            ("apps", "b", "deployments", "d", "scale")
        );
        // Cluster-scoped resources have no namespace, even if a name looks like one.
        let info = request_info("GET", "/api/v1/nodes/namespaces");
        assert_eq!(
            (info.namespace.as_str(), info.name.as_str()),
            ("", "namespaces")
        );
    }

    #[test]
    fn special_verb_without_resource_is_an_error() {
        for url in [
            "/api/v1/watch",
            "/apis/apps/v1/proxy/",
            "/api/v1/watch?watch=1",
        ] {
            let err = match resolve_request_info("GET", url) {
                Ok(info) => panic!("{url}: expected an error, got {info:?}"),
                Err(err) => err,
            };
            assert!(
                err.message
                    .contains("unable to determine kind and namespace"),
                "{url}"
            );
            assert!(err.to_string().contains(url), "{url}");
            assert!(err.partial.is_resource_request, "{url}");
            assert_eq!(err.partial.verb, "get", "{url}");
            assert!(err.partial.resource.is_empty(), "{url}");
            // The convenience entry point returns the partial info.
            assert_eq!(request_info("GET", url), *err.partial, "{url}");
        }
    }

    #[test]
    fn serializes_camel_case_and_skips_empty_selectors() {
        let info = request_info("GET", "/api/v1/namespaces/blue/pods/x/log");
        let json = serde_json::to_value(&info).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({
                "isResourceRequest": true,
                "path": "/api/v1/namespaces/blue/pods/x/log",
                "verb": "get",
                "apiPrefix": "api",
                "apiGroup": "",
                "apiVersion": "v1",
                "namespace": "blue",
                "resource": "pods",
                "subresource": "log",
                "name": "x",
            })
        );
        let info = request_info("GET", "/api/v1/pods?labelSelector=app%3Dweb");
        let json = serde_json::to_value(&info).unwrap_or_default();
        assert_eq!(json["labelSelector"], "app=web");
        assert!(json.get("fieldSelector").is_none());
    }
}

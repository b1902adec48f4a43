//! `kubernetes.urls` (`pkg/cel/library/urls.go`): URLs in CEL, parsed as Go's `net/url` parses
//! them, so the accepted inputs, the parts and the error texts are Go's.
//!
//! `url(string)` and `isURL(string)`, and on a URL: `getScheme()`, `getHost()` (with the port,
//! an IPv6 address in brackets), `getHostname()` (no port, no brackets), `getPort()`,
//! `getEscapedPath()` and `getQuery()` (a `map<string, list<string>>`, unescaped). A string is a
//! URL when `url.ParseRequestURI` accepts it (an absolute URI or an absolute path); its parts
//! are then what `url.Parse` makes of it (which, unlike the former, sets a `#fragment` apart).
//! Two URLs are equal when their parts are (upstream compares the URLs as printed, which
//! comes to the same).

use std::collections::HashMap;

use cel::common::types::{CelBool, CelList, CelMap, CelMapKey, CelString, Type};
use cel::common::value::{StaticVal, Val};
use cel::{DeclarationError, Env, ExecutionError};

static URL_TYPE: Type = Type::new_unspecified_type("kubernetes.URL");

/// A parsed URL: the fields of Go's `url.URL` that the library reads or compares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Url {
    scheme: String,
    opaque: String,
    /// The user name and, after a `:`, the password, both unescaped.
    user: Option<(Vec<u8>, Option<Vec<u8>>)>,
    /// The host and port, unescaped.
    host: String,
    /// The path, unescaped.
    path: Vec<u8>,
    /// The path as written, when it is not the default escaping of `path`.
    raw_path: String,
    /// A URL written as `scheme:/path`, without `//`.
    omit_host: bool,
    /// A `?` with nothing after it.
    force_query: bool,
    raw_query: String,
    /// The fragment, unescaped, and as written when that is not its default escaping.
    fragment: Vec<u8>,
    raw_fragment: String,
}

impl Val for Url {
    fn get_type(&self) -> &Type {
        &URL_TYPE
    }
    fn cel_type() -> &'static Type {
        &URL_TYPE
    }
    fn equals(&self, other: &dyn Val) -> bool {
        other.downcast_ref::<Url>().is_some_and(|o| o == self)
    }
    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v> {
        Box::new(self.clone())
    }
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

impl StaticVal for Url {}

/// Adds the library to `env`.
pub fn install(env: &mut Env) -> Result<(), DeclarationError> {
    env.add_type(URL_TYPE.to_owned())?;
    cel::add_overload!(env, fn url: (CelString) -> Result<Url>)?;
    cel::add_overload!(env, fn is_url: (CelString) -> CelBool, name = "isURL")?;
    cel::add_member_overload!(env, fn get_scheme: (Url) -> CelString)?;
    cel::add_member_overload!(env, fn get_host: (Url) -> CelString)?;
    cel::add_member_overload!(env, fn get_hostname: (Url) -> CelString)?;
    cel::add_member_overload!(env, fn get_port: (Url) -> CelString)?;
    cel::add_member_overload!(env, fn get_escaped_path: (Url) -> CelString)?;
    cel::add_member_overload!(env, fn get_query: (Url) -> CelMap)?;
    Ok(())
}

fn url(s: &CelString<'_>) -> Result<Url, ExecutionError> {
    parse_request_uri(s.inner())
        .and_then(|_| parse(s.inner()))
        .map_err(|e| {
            ExecutionError::function_error(
                "url",
                format!("URL parse error during conversion from string: {e}"),
            )
        })
}

fn is_url(s: &CelString<'_>) -> CelBool {
    CelBool::from(parse_request_uri(s.inner()).is_ok())
}

fn text(s: impl Into<String>) -> CelString<'static> {
    CelString::from(s.into())
}

fn get_scheme(u: &Url) -> CelString<'static> {
    text(u.scheme.clone())
}

fn get_host(u: &Url) -> CelString<'static> {
    text(u.host.clone())
}

fn get_hostname(u: &Url) -> CelString<'static> {
    text(split_host_port(&u.host).0)
}

fn get_port(u: &Url) -> CelString<'static> {
    text(split_host_port(&u.host).1)
}

fn get_escaped_path(u: &Url) -> CelString<'static> {
    text(u.escaped_path())
}

fn get_query(u: &Url) -> CelMap<'static> {
    let mut values: Vec<(String, Vec<String>)> = Vec::new();
    for (k, v) in parse_query(&u.raw_query) {
        match values.iter_mut().find(|(key, _)| *key == k) {
            Some((_, list)) => list.push(v),
            None => values.push((k, vec![v])),
        }
    }
    let map: HashMap<CelMapKey<'static>, Box<dyn Val>> = values
        .into_iter()
        .map(|(k, vs)| {
            let list: Vec<Box<dyn Val>> = vs
                .into_iter()
                .map(|v| Box::new(CelString::from(v)) as Box<dyn Val>)
                .collect();
            (
                CelMapKey::from(k),
                Box::new(CelList::from(list)) as Box<dyn Val>,
            )
        })
        .collect();
    CelMap::from(map)
}

// ---- Go's net/url ------------------------------------------------------------------------

/// Go's `url.ParseRequestURI`: an absolute URI or an absolute path, the fragment not set
/// apart. The error is Go's text (`parse "<s>": <reason>`).
pub fn parse_request_uri(raw: &str) -> Result<Url, String> {
    parse_with(raw, true).map_err(|e| format!("parse {}: {e}", go_quote(raw.as_bytes())))
}

/// Go's `url.Parse`: any URL reference, with its `#fragment`. The error is Go's text.
pub fn parse(raw: &str) -> Result<Url, String> {
    let (before, fragment) = match raw.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (raw, None),
    };
    let mut url = parse_with(before, false)
        .map_err(|e| format!("parse {}: {e}", go_quote(before.as_bytes())))?;
    if let Some(f) = fragment.filter(|f| !f.is_empty()) {
        let unescaped = unescape(f, Mode::Fragment)
            .map_err(|e| format!("parse {}: {e}", go_quote(raw.as_bytes())))?;
        url.raw_fragment = if escape(&unescaped, Mode::Fragment) == f {
            String::new()
        } else {
            f.to_string()
        };
        url.fragment = unescaped;
    }
    Ok(url)
}

/// Go's `parse(rawURL, viaRequest)`: the error without the `parse "<s>": ` introduction.
fn parse_with(raw: &str, via_request: bool) -> Result<Url, String> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    if raw.is_empty() && via_request {
        return Err("empty url".into());
    }
    let mut url = Url::default();
    if raw == "*" {
        url.path = b"*".to_vec();
        return Ok(url);
    }
    let (scheme, mut rest) = scheme(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        url.force_query = true;
        rest = &rest[..rest.len() - 1];
    } else if let Some((before, query)) = rest.split_once('?') {
        url.raw_query = query.to_string();
        rest = before;
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            // A rootless path after a scheme is opaque (`mailto:someone@example.com`).
            url.opaque = rest.to_string();
            return Ok(url);
        }
        if via_request {
            return Err("invalid URI for request".into());
        }
        // A relative reference's first segment cannot hold a colon (it would read as a
        // malformed scheme).
        if rest.split('/').next().is_some_and(|seg| seg.contains(':')) {
            return Err("first path segment in URL cannot contain colon".into());
        }
    }
    let has_authority = (!url.scheme.is_empty() || !via_request && !rest.starts_with("///"))
        && rest.starts_with("//");
    if has_authority {
        let after = &rest[2..];
        let (authority, path) = match after.find('/') {
            Some(i) => after.split_at(i),
            None => (after, ""),
        };
        let (user, host) = parse_authority(authority)?;
        url.user = user;
        url.host = host;
        rest = path;
    } else if !url.scheme.is_empty() && rest.starts_with('/') {
        url.omit_host = true;
    }
    let path = unescape(rest, Mode::Path)?;
    url.raw_path = if escape(&path, Mode::Path) == rest {
        String::new()
    } else {
        rest.to_string()
    };
    url.path = path;
    Ok(url)
}

/// Go's `getScheme`: the scheme before the first `:`, when what precedes it can be one.
fn scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                if i == 0 {
                    return Ok(("", raw));
                }
            }
            b':' => {
                if i == 0 {
                    return Err("missing protocol scheme".into());
                }
                return Ok((&raw[..i], &raw[i + 1..]));
            }
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

type User = (Vec<u8>, Option<Vec<u8>>);

/// Go's `parseAuthority`: `[userinfo@]host[:port]`.
fn parse_authority(authority: &str) -> Result<(Option<User>, String), String> {
    let at = authority.rfind('@');
    let host = parse_host(match at {
        Some(i) => &authority[i + 1..],
        None => authority,
    })?;
    let Some(i) = at else {
        return Ok((None, host));
    };
    let userinfo = &authority[..i];
    let valid = userinfo.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '-' | '.'
                    | '_'
                    | ':'
                    | '~'
                    | '!'
                    | '$'
                    | '&'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | '%'
                    | '@'
            )
    });
    if !valid {
        return Err("net/url: invalid userinfo".into());
    }
    let user = match userinfo.split_once(':') {
        None => (unescape(userinfo, Mode::UserPassword)?, None),
        Some((name, password)) => (
            unescape(name, Mode::UserPassword)?,
            Some(unescape(password, Mode::UserPassword)?),
        ),
    };
    Ok((Some(user), host))
}

/// Go's `parseHost`: the port must be digits; an IPv6 literal in brackets may carry a zone
/// (`%25` and the zone).
fn parse_host(host: &str) -> Result<String, String> {
    if host.starts_with('[') {
        let Some(close) = host.rfind(']') else {
            return Err("missing ']' in host".into());
        };
        let port = &host[close + 1..];
        if !valid_optional_port(port) {
            return Err(format!(
                "invalid port {} after host",
                go_quote(port.as_bytes())
            ));
        }
        if let Some(zone) = host[..close].find("%25") {
            let mut out = unescape(&host[..zone], Mode::Host)?;
            out.extend(unescape(&host[zone..close], Mode::Zone)?);
            out.extend(unescape(&host[close..], Mode::Host)?);
            return Ok(String::from_utf8_lossy(&out).into_owned());
        }
    } else if let Some(colon) = host.rfind(':') {
        let port = &host[colon..];
        if !valid_optional_port(port) {
            return Err(format!(
                "invalid port {} after host",
                go_quote(port.as_bytes())
            ));
        }
    }
    unescape(host, Mode::Host).map(|h| String::from_utf8_lossy(&h).into_owned())
}

/// `""` or `:` followed by digits only.
fn valid_optional_port(port: &str) -> bool {
    port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
}

/// Go's `splitHostPort`: the host without its port or brackets, and the port.
fn split_host_port(host_port: &str) -> (String, String) {
    let mut host = host_port;
    let mut port = "";
    if let Some(colon) = host.rfind(':') {
        if valid_optional_port(&host[colon..]) {
            port = &host[colon + 1..];
            host = &host[..colon];
        }
    }
    if host.len() >= 2 && host.starts_with('[') && host.ends_with(']') {
        host = &host[1..host.len() - 1];
    }
    (host.to_string(), port.to_string())
}

impl Url {
    /// Go's `EscapedPath`: the path as written when that is a valid escaping of it, else
    /// the default escaping.
    fn escaped_path(&self) -> String {
        if !self.raw_path.is_empty()
            && valid_encoded(&self.raw_path)
            && unescape(&self.raw_path, Mode::Path).is_ok_and(|p| p == self.path)
        {
            return self.raw_path.clone();
        }
        if self.path == b"*" {
            return "*".into();
        }
        escape(&self.path, Mode::Path)
    }
}

/// Go's `url.ParseQuery`, the pairs it keeps in order (a pair with a `;` or a bad escape
/// is dropped, as Go drops it).
fn parse_query(query: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for pair in query.split('&') {
        if pair.contains(';') || pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (Ok(key), Ok(value)) = (
            unescape(key, Mode::QueryComponent),
            unescape(value, Mode::QueryComponent),
        ) else {
            continue;
        };
        out.push((
            String::from_utf8_lossy(&key).into_owned(),
            String::from_utf8_lossy(&value).into_owned(),
        ));
    }
    out
}

/// The part of a URL a text is escaped or unescaped for (Go's `encoding`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    Zone,
    UserPassword,
    QueryComponent,
    Fragment,
}

/// Go's `shouldEscape`: whether a byte must be percent-encoded in that part of a URL.
fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if matches!(mode, Mode::Host | Mode::Zone)
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => {
            return match mode {
                Mode::Path => c == b'?',
                Mode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
                Mode::QueryComponent => true,
                Mode::Fragment => false,
                Mode::Host | Mode::Zone => true,
            };
        }
        _ => {}
    }
    if mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*') {
        return false;
    }
    true
}

/// Go's `validEncoded` for a path: nothing that would need escaping, besides `%` escapes
/// and the characters a path may hold as they are.
fn valid_encoded(s: &str) -> bool {
    s.bytes().all(|c| {
        matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'['
                | b']'
                | b'%'
        ) || !should_escape(c, Mode::Path)
    })
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Go's `unescape`: `%XX` decoded (and `+` as a space in a query); an error in Go's words
/// for a malformed escape, or a character a host cannot hold.
fn unescape(s: &str, mode: Mode) -> Result<Vec<u8>, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let pair = (
                    b.get(i + 1).copied().and_then(hex),
                    b.get(i + 2).copied().and_then(hex),
                );
                let (Some(hi), Some(lo)) = pair else {
                    let bad = &b[i..b.len().min(i + 3)];
                    return Err(format!("invalid URL escape {}", go_quote(bad)));
                };
                let escape = &b[i..i + 3];
                // A host may escape only non-ASCII bytes, and `%25` (a zone's percent).
                if mode == Mode::Host && hi < 8 && escape != b"%25" {
                    return Err(format!("invalid URL escape {}", go_quote(escape)));
                }
                let v = hi << 4 | lo;
                if mode == Mode::Zone
                    && escape != b"%25"
                    && v != b' '
                    && should_escape(v, Mode::Host)
                {
                    return Err(format!("invalid URL escape {}", go_quote(escape)));
                }
                out.push(v);
                i += 3;
            }
            b'+' if mode == Mode::QueryComponent => {
                out.push(b' ');
                i += 1;
            }
            c => {
                if matches!(mode, Mode::Host | Mode::Zone) && c < 0x80 && should_escape(c, mode) {
                    return Err(format!(
                        "invalid character {} in host name",
                        go_quote(&b[i..i + 1])
                    ));
                }
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Go's `escape`: the bytes that must be escaped in that part as `%XX`.
fn escape(s: &[u8], mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s {
        if c == b' ' && mode == Mode::QueryComponent {
            out.push('+');
        } else if should_escape(c, mode) {
            out.push_str(&format!("%{c:02X}"));
        } else {
            out.push(c as char);
        }
    }
    out
}

/// Go's `strconv.Quote` (what `%q` prints): in double quotes, with `"` and `\` escaped,
/// control characters as Go writes them and bytes that are not UTF-8 as `\xNN`.
pub(super) fn go_quote(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\x07' => out.push_str("\\a"),
                '\x08' => out.push_str("\\b"),
                '\x0c' => out.push_str("\\f"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\x0b' => out.push_str("\\v"),
                c if (c as u32) < 0x20 || c == '\x7f' => {
                    out.push_str(&format!("\\x{:02x}", c as u32));
                }
                c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::sim::cel::run_plain as run;

    #[test]
    fn url_accessors() {
        for src in [
            "url('https://example.com:80/path?query=val#fragment').getScheme() == 'https'",
            "url('https://example.com:80/path?query=val#fragment').getHost() == 'example.com:80'",
            "url('https://example.com:80/path?query=val#fragment').getHostname() == 'example.com'",
            "url('https://example.com:80/path?query=val#fragment').getPort() == '80'",
            "url('https://example.com:80/path?query=val#fragment').getEscapedPath() == '/path'",
            "url('https://example.com:80/path?query=val#fragment').getQuery() == {'query': ['val']}",
            "url('https://example.com/').getPort() == ''",
            "url('https://[::1]:80/').getHost() == '[::1]:80'",
            "url('https://[::1]:80/').getHostname() == '::1'",
            "url('https://[::1]/').getHostname() == '::1'",
            "url('https://[::1]/').getPort() == ''",
            "url('https://example.com/path with spaces/').getEscapedPath() == '/path%20with%20spaces/'",
            "url('https://example.com/path%20with%20spaces/').getEscapedPath() == '/path%20with%20spaces/'",
            "url('https://example.com/a%2Fb').getEscapedPath() == '/a%2Fb'",
            "url('/absolute-path').getScheme() == ''",
            "url('/absolute-path').getEscapedPath() == '/absolute-path'",
            "url('/absolute-path').getHost() == ''",
            "url('https://example.com').getEscapedPath() == ''",
            "url('https://example.com/?k=a&k=b&x=%20y+z&&e').getQuery() == {'k': ['a', 'b'], 'x': [' y z'], 'e': ['']}",
            "url('https://example.com/').getQuery() == {}",
            "url('https://example.com/?a=1;b=2&c=3').getQuery() == {'c': ['3']}",
            "url('https://user:pw@example.com:8443/').getHost() == 'example.com:8443'",
            "url('HTTPS://example.com/').getScheme() == 'https'",
            "url('mailto:someone@example.com').getScheme() == 'mailto'",
            "url('mailto:someone@example.com').getEscapedPath() == ''",
            "url('https://example.com/a') == url('https://example.com/a')",
            "url('https://example.com/a') != url('https://example.com/b')",
            "url('https://example.com/a#x') != url('https://example.com/a#y')",
            "url('HTTPS://example.com/a') == url('https://example.com/a')",
            "isURL('https://example.com/') && isURL('/path') && isURL('*')",
            "!isURL('../relative-path') && !isURL('') && !isURL('example.com')",
            "!isURL('https://a:b:c/') && !isURL('https://example.com/%zz')",
            "type(url('/a')) == type(url('/b'))",
        ] {
            assert_eq!(run(src), Ok(json!(true)), "{src}");
        }
    }

    #[test]
    fn url_errors_are_gos() {
        for (src, want) in [
            (
                "url('../relative-path')",
                "URL parse error during conversion from string: parse \"../relative-path\": invalid URI for request",
            ),
            (
                "url('https://a:b:c/')",
                "URL parse error during conversion from string: parse \"https://a:b:c/\": invalid port \":c\" after host",
            ),
            (
                "url('')",
                "URL parse error during conversion from string: parse \"\": empty url",
            ),
            (
                "url(':foo')",
                "URL parse error during conversion from string: parse \":foo\": missing protocol scheme",
            ),
            (
                "url('https://example.com/%zz')",
                "URL parse error during conversion from string: parse \"https://example.com/%zz\": invalid URL escape \"%zz\"",
            ),
            (
                "url('https://exa mple.com/')",
                "URL parse error during conversion from string: parse \"https://exa mple.com/\": invalid character \" \" in host name",
            ),
            (
                "url('https://[::1/')",
                "URL parse error during conversion from string: parse \"https://[::1/\": missing ']' in host",
            ),
            (
                "url('https://us er@example.com/')",
                "URL parse error during conversion from string: parse \"https://us er@example.com/\": net/url: invalid userinfo",
            ),
            (
                "url('https://example.com/?q#%zz')",
                "URL parse error during conversion from string: parse \"https://example.com/?q#%zz\": invalid URL escape \"%zz\"",
            ),
            (
                "url('https://example.com/\\x01')",
                "URL parse error during conversion from string: parse \"https://example.com/\\x01\": net/url: invalid control character in URL",
            ),
        ] {
            assert_eq!(run(src), Err(want.to_string()), "{src}");
        }
    }

    #[test]
    fn go_quote_escapes_as_go() {
        assert_eq!(super::go_quote(b"a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(super::go_quote(b"\x07\x01\n"), "\"\\a\\x01\\n\"");
        assert_eq!(super::go_quote(b"%\xff"), "\"%\\xff\"");
    }
}

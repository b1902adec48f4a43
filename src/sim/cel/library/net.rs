//! `kubernetes.net.ip` and `kubernetes.net.cidr` (`pkg/cel/library/ip.go`, `cidr.go`): IP
//! addresses and CIDR prefixes in CEL, read by the rules of Go's `net/netip` (with its error
//! texts), which are stricter than `std::net`'s: no leading zeros in an IPv4 octet, a zone
//! only after an IPv6 address.
//!
//! IP: `ip(string)` (type `net.IP`), `isIP(string)`, `ip.isCanonical(string)`, and on an
//! address `family()`, `isUnspecified()`, `isLoopback()`, `isLinkLocalMulticast()`,
//! `isLinkLocalUnicast()`, `isGlobalUnicast()`; `string(ip)`. Zones and IPv4-mapped IPv6
//! addresses are refused, as upstream refuses them.
//!
//! CIDR: `cidr(string)` (type `net.CIDR`), `isCIDR(string)`, and on a prefix
//! `containsIP(string|IP)`, `containsCIDR(string|CIDR)`, `ip()`, `masked()`,
//! `prefixLength()`; `string(cidr)`. The address may have bits set past the prefix
//! (`cidr('192.168.0.1/24')` is accepted, and `masked()` clears them); `==` compares the
//! address as written, so `cidr('192.168.0.1/24') != cidr('192.168.0.1/24').masked()`.

use cel::common::types::{CelBool, CelInt, CelString, Type};
use cel::common::value::{StaticVal, Val};
use cel::{DeclarationError, Env, ExecutionError};

use super::url::go_quote;

static IP_TYPE: Type = Type::new_unspecified_type("net.IP");
static CIDR_TYPE: Type = Type::new_unspecified_type("net.CIDR");

/// An address, as `netip.Addr` holds one without a zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addr {
    V4([u8; 4]),
    V6([u8; 16]),
}

impl Addr {
    /// The number of bits of the address.
    fn width(&self) -> u8 {
        match self {
            Addr::V4(_) => 32,
            Addr::V6(_) => 128,
        }
    }

    fn octets(&self) -> &[u8] {
        match self {
            Addr::V4(b) => b,
            Addr::V6(b) => b,
        }
    }

    /// `::ffff:a.b.c.d`.
    fn is_4in6(&self) -> bool {
        matches!(self, Addr::V6(b) if b[..10].iter().all(|x| *x == 0) && b[10] == 0xff && b[11] == 0xff)
    }

    /// The address with every bit after the first `bits` cleared.
    fn masked(&self, bits: u8) -> Addr {
        let mut out = *self;
        let bytes: &mut [u8] = match &mut out {
            Addr::V4(b) => b,
            Addr::V6(b) => b,
        };
        for (i, byte) in bytes.iter_mut().enumerate() {
            let start = (i * 8) as u32;
            let keep = u32::from(bits).saturating_sub(start).min(8);
            *byte &= if keep == 0 { 0 } else { 0xffu8 << (8 - keep) };
        }
        out
    }

    fn first_group(&self) -> u16 {
        match self {
            Addr::V4(_) => 0,
            Addr::V6(b) => u16::from_be_bytes([b[0], b[1]]),
        }
    }

    fn is_unspecified(&self) -> bool {
        self.octets().iter().all(|b| *b == 0)
    }

    fn is_loopback(&self) -> bool {
        match self {
            Addr::V4(b) => b[0] == 127,
            Addr::V6(b) => b[..15].iter().all(|x| *x == 0) && b[15] == 1,
        }
    }

    fn is_multicast(&self) -> bool {
        match self {
            Addr::V4(b) => b[0] & 0xf0 == 0xe0,
            Addr::V6(b) => b[0] == 0xff,
        }
    }

    fn is_link_local_multicast(&self) -> bool {
        match self {
            Addr::V4(b) => b[0] == 224 && b[1] == 0 && b[2] == 0,
            Addr::V6(_) => self.first_group() & 0xff0f == 0xff02,
        }
    }

    fn is_link_local_unicast(&self) -> bool {
        match self {
            Addr::V4(b) => b[0] == 169 && b[1] == 254,
            Addr::V6(_) => self.first_group() & 0xffc0 == 0xfe80,
        }
    }

    /// As Go's: private IPv4 ranges and unique local IPv6 addresses count as global.
    fn is_global_unicast(&self) -> bool {
        if let Addr::V4(b) = self {
            if *b == [0, 0, 0, 0] || *b == [255, 255, 255, 255] {
                return false;
            }
        }
        !self.is_unspecified()
            && !self.is_loopback()
            && !self.is_multicast()
            && !self.is_link_local_unicast()
    }
}

/// The canonical text, as `netip.Addr.String` writes it (RFC 5952 for IPv6: lowercase, no
/// leading zeros, the first longest run of two or more zero groups as `::`).
impl std::fmt::Display for Addr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Addr::V4(b) => write!(f, "{}.{}.{}.{}", b[0], b[1], b[2], b[3]),
            Addr::V6(b) if self.is_4in6() => {
                write!(f, "::ffff:{}.{}.{}.{}", b[12], b[13], b[14], b[15])
            }
            Addr::V6(b) => {
                let groups: Vec<u16> = b
                    .chunks(2)
                    .map(|p| u16::from_be_bytes([p[0], p[1]]))
                    .collect();
                let (mut zero_start, mut zero_len) = (usize::MAX, 0);
                let mut i = 0;
                while i < 8 {
                    let mut j = i;
                    while j < 8 && groups[j] == 0 {
                        j += 1;
                    }
                    if j - i >= 2 && j - i > zero_len {
                        zero_start = i;
                        zero_len = j - i;
                    }
                    i = j.max(i + 1);
                }
                let mut i = 0;
                while i < 8 {
                    if i == zero_start {
                        f.write_str("::")?;
                        i += zero_len;
                        continue;
                    }
                    if i > 0 && i != zero_start + zero_len {
                        f.write_str(":")?;
                    }
                    write!(f, "{:x}", groups[i])?;
                    i += 1;
                }
                Ok(())
            }
        }
    }
}

/// `ParseAddr("<input>"): <msg>[ (at "<at>")]`, Go's `parseAddrError`.
fn addr_error(input: &str, msg: &str, at: &[u8]) -> String {
    let mut out = format!("ParseAddr({}): {msg}", go_quote(input.as_bytes()));
    if !at.is_empty() {
        out.push_str(&format!(" (at {})", go_quote(at)));
    }
    out
}

/// Go's `netip.ParseAddr`: the address and its zone (after `%`), or the error text.
pub fn parse_addr(s: &str) -> Result<(Addr, Option<String>), String> {
    for c in s.bytes() {
        match c {
            b'.' => return parse_ipv4_fields(s, 0, s.len()).map(|b| (Addr::V4(b), None)),
            b':' => return parse_ipv6(s),
            b'%' => return Err(addr_error(s, "missing IPv6 address", b"")),
            _ => {}
        }
    }
    Err(addr_error(s, "unable to parse IP", b""))
}

/// The four octets of `input[off..end]` (the errors name the whole `input`).
fn parse_ipv4_fields(input: &str, off: usize, end: usize) -> Result<[u8; 4], String> {
    let s = &input.as_bytes()[off..end];
    let mut fields = [0u8; 4];
    let (mut val, mut pos, mut digits) = (0u32, 0usize, 0);
    for (i, &c) in s.iter().enumerate() {
        if c.is_ascii_digit() {
            if digits == 1 && val == 0 {
                return Err(addr_error(
                    input,
                    "IPv4 field has octet with leading zero",
                    b"",
                ));
            }
            val = val * 10 + u32::from(c - b'0');
            digits += 1;
            if val > 255 {
                return Err(addr_error(input, "IPv4 field has value >255", b""));
            }
        } else if c == b'.' {
            if i == 0 || i == s.len() - 1 || s[i - 1] == b'.' {
                return Err(addr_error(
                    input,
                    "IPv4 field must have at least one digit",
                    &s[i..],
                ));
            }
            if pos == 3 {
                return Err(addr_error(input, "IPv4 address too long", b""));
            }
            fields[pos] = val as u8;
            pos += 1;
            val = 0;
            digits = 0;
        } else {
            return Err(addr_error(input, "unexpected character", &s[i..]));
        }
    }
    if pos < 3 {
        return Err(addr_error(input, "IPv4 address too short", b""));
    }
    fields[3] = val as u8;
    Ok(fields)
}

/// An IPv6 address (`2001:db8::68`, `::ffff:1.2.3.4`, `fe80::1%eth0`), as netip reads one.
fn parse_ipv6(input: &str) -> Result<(Addr, Option<String>), String> {
    let mut s = input.as_bytes();
    let mut zone: Option<String> = None;
    if let Some(i) = s.iter().position(|b| *b == b'%') {
        let z = &input[i + 1..];
        if z.is_empty() {
            return Err(addr_error(input, "zone must be a non-empty string", b""));
        }
        zone = Some(z.to_string());
        s = &s[..i];
    }
    let mut ip = [0u8; 16];
    let mut ellipsis: Option<usize> = None;
    if s.len() >= 2 && s[0] == b':' && s[1] == b':' {
        ellipsis = Some(0);
        s = &s[2..];
        if s.is_empty() {
            return Ok((Addr::V6(ip), zone));
        }
    }
    let mut i = 0;
    while i < 16 {
        // One group of hex digits.
        let mut off = 0;
        let mut acc: u32 = 0;
        while off < s.len() {
            let Some(d) = (s[off] as char).to_digit(16) else {
                break;
            };
            acc = (acc << 4) + d;
            if off > 3 {
                return Err(addr_error(
                    input,
                    "each colon-separated field must have at most 4 hex digits",
                    s,
                ));
            }
            if acc > 0xffff {
                return Err(addr_error(input, "IPv6 field has value >=2^16", s));
            }
            off += 1;
        }
        if off == 0 {
            return Err(addr_error(
                input,
                "each colon-separated field must have at least one digit",
                s,
            ));
        }
        // A dot: the last 32 bits are written as an IPv4 address.
        if off < s.len() && s[off] == b'.' {
            if ellipsis.is_none() && i != 12 {
                return Err(addr_error(
                    input,
                    "embedded IPv4 address must replace the final 2 fields of the address",
                    s,
                ));
            }
            if i + 4 > 16 {
                return Err(addr_error(
                    input,
                    "too many hex fields to fit an embedded IPv4 at the end of the address",
                    s,
                ));
            }
            let end = input.len() - zone.as_ref().map_or(0, |z| z.len() + 1);
            let v4 = parse_ipv4_fields(input, end - s.len(), end)?;
            ip[i..i + 4].copy_from_slice(&v4);
            s = b"";
            i += 4;
            break;
        }
        ip[i] = (acc >> 8) as u8;
        ip[i + 1] = acc as u8;
        i += 2;
        s = &s[off..];
        if s.is_empty() {
            break;
        }
        if s[0] != b':' {
            return Err(addr_error(input, "unexpected character, want colon", s));
        }
        if s.len() == 1 {
            return Err(addr_error(
                input,
                "colon must be followed by more characters",
                s,
            ));
        }
        s = &s[1..];
        if s[0] == b':' {
            if ellipsis.is_some() {
                return Err(addr_error(input, "multiple :: in address", s));
            }
            ellipsis = Some(i);
            s = &s[1..];
            if s.is_empty() {
                break;
            }
        }
    }
    if !s.is_empty() {
        return Err(addr_error(input, "trailing garbage after address", s));
    }
    if i < 16 {
        let Some(e) = ellipsis else {
            return Err(addr_error(input, "address string too short", b""));
        };
        // Move what follows the `::` to the end, and fill the gap with zeros.
        let n = 16 - i;
        ip.copy_within(e..i, e + n);
        ip[e..e + n].fill(0);
    } else if ellipsis.is_some() {
        return Err(addr_error(
            input,
            "the :: must expand to at least one field of zeros",
            s,
        ));
    }
    Ok((Addr::V6(ip), zone))
}

/// An address as the library accepts one (upstream's `parseIPAddr`), or its error text.
fn parse_ip(raw: &str) -> Result<Addr, String> {
    let quoted = go_quote(raw.as_bytes());
    let (addr, zone) = parse_addr(raw).map_err(|e| {
        format!("IP Address {quoted} parse error during conversion from string: {e}")
    })?;
    if zone.is_some() {
        return Err(format!(
            "IP address {quoted} with zone value is not allowed"
        ));
    }
    if addr.is_4in6() {
        return Err(format!("IPv4-mapped IPv6 address {quoted} is not allowed"));
    }
    Ok(addr)
}

/// Go's `netip.ParsePrefix`: `<address>/<bits>`, or the error text.
pub fn parse_prefix(s: &str) -> Result<Cidr, String> {
    let error = |msg: &str| format!("netip.ParsePrefix({}): {msg}", go_quote(s.as_bytes()));
    let Some(slash) = s.rfind('/') else {
        return Err(error("no '/'"));
    };
    let (addr, zone) = parse_addr(&s[..slash]).map_err(|e| error(&e))?;
    if matches!(addr, Addr::V6(_)) && zone.is_some() {
        return Err(error("IPv6 zones cannot be present in a prefix"));
    }
    let bits_text = &s[slash + 1..];
    let bad_bits = || {
        error(&format!(
            "bad bits after slash: {}",
            go_quote(bits_text.as_bytes())
        ))
    };
    // No sign and no leading zero (`0` alone is fine).
    if bits_text.len() > 1 && !matches!(bits_text.as_bytes()[0], b'1'..=b'9') {
        return Err(bad_bits());
    }
    if bits_text.is_empty() || !bits_text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad_bits());
    }
    let bits: u64 = bits_text.parse().map_err(|_| bad_bits())?;
    if bits > u64::from(addr.width()) {
        return Err(error("prefix length out of range"));
    }
    Ok(Cidr {
        addr,
        bits: bits as u8,
    })
}

/// A prefix as the library accepts one (upstream's `parseCIDR`), or its error text.
fn parse_cidr(raw: &str) -> Result<Cidr, String> {
    let prefix = parse_prefix(raw)
        .map_err(|e| format!("network address parse error during conversion from string: {e}"))?;
    if prefix.addr.is_4in6() {
        return Err(format!(
            "IPv4-mapped IPv6 address {} is not allowed",
            go_quote(raw.as_bytes())
        ));
    }
    Ok(prefix)
}

/// A `net.IP` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ip(pub Addr);

impl Val for Ip {
    fn get_type(&self) -> &Type {
        &IP_TYPE
    }
    fn cel_type() -> &'static Type {
        &IP_TYPE
    }
    fn equals(&self, other: &dyn Val) -> bool {
        other.downcast_ref::<Ip>().is_some_and(|o| o == self)
    }
    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v> {
        Box::new(*self)
    }
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

impl StaticVal for Ip {}

/// A `net.CIDR` value: an address (host bits kept as written) and a prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    addr: Addr,
    bits: u8,
}

impl Cidr {
    fn masked(&self) -> Cidr {
        Cidr {
            addr: self.addr.masked(self.bits),
            bits: self.bits,
        }
    }

    /// Whether `ip` is in the prefix (never across families).
    fn contains(&self, ip: &Addr) -> bool {
        ip.width() == self.addr.width() && ip.masked(self.bits) == self.addr.masked(self.bits)
    }

    /// Whether every address of `other` is in this prefix: upstream compares the masked
    /// networks (as fixed in 1.33, kubernetes#130450; before, `other`'s address had to equal
    /// this network's exactly).
    fn contains_cidr(&self, other: &Cidr) -> bool {
        let widened = Cidr {
            addr: other.addr,
            bits: self.bits,
        };
        self.masked() == widened.masked() && self.bits <= other.bits
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.bits)
    }
}

impl Val for Cidr {
    fn get_type(&self) -> &Type {
        &CIDR_TYPE
    }
    fn cel_type() -> &'static Type {
        &CIDR_TYPE
    }
    fn equals(&self, other: &dyn Val) -> bool {
        other.downcast_ref::<Cidr>().is_some_and(|o| o == self)
    }
    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v> {
        Box::new(*self)
    }
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

impl StaticVal for Cidr {}

/// Adds both libraries to `env`.
pub fn install(env: &mut Env) -> Result<(), DeclarationError> {
    env.add_type(IP_TYPE.to_owned())?;
    env.add_type(CIDR_TYPE.to_owned())?;
    // kubernetes.net.ip
    cel::add_overload!(env, fn ip: (CelString) -> Result<Ip>)?;
    cel::add_overload!(env, fn is_ip: (CelString) -> CelBool, name = "isIP")?;
    cel::add_overload!(env, fn is_canonical: (CelString) -> Result<CelBool>, name = "ip.isCanonical")?;
    cel::add_overload!(env, fn ip_to_string: (Ip) -> CelString, name = "string")?;
    cel::add_member_overload!(env, fn family: (Ip) -> CelInt)?;
    cel::add_member_overload!(env, fn is_unspecified: (Ip) -> CelBool)?;
    cel::add_member_overload!(env, fn is_loopback: (Ip) -> CelBool)?;
    cel::add_member_overload!(env, fn is_link_local_multicast: (Ip) -> CelBool)?;
    cel::add_member_overload!(env, fn is_link_local_unicast: (Ip) -> CelBool)?;
    cel::add_member_overload!(env, fn is_global_unicast: (Ip) -> CelBool)?;
    // kubernetes.net.cidr
    cel::add_overload!(env, fn cidr: (CelString) -> Result<Cidr>)?;
    cel::add_overload!(env, fn is_cidr: (CelString) -> CelBool, name = "isCIDR")?;
    cel::add_overload!(env, fn cidr_to_string: (Cidr) -> CelString, name = "string")?;
    cel::add_member_overload!(env, fn contains_ip_string: (Cidr, CelString) -> Result<CelBool>, name = "containsIP")?;
    cel::add_member_overload!(env, fn contains_ip: (Cidr, Ip) -> CelBool, name = "containsIP")?;
    cel::add_member_overload!(env, fn contains_cidr_string: (Cidr, CelString) -> Result<CelBool>, name = "containsCIDR")?;
    cel::add_member_overload!(env, fn contains_cidr: (Cidr, Cidr) -> CelBool, name = "containsCIDR")?;
    cel::add_member_overload!(env, fn cidr_ip: (Cidr) -> Ip, name = "ip")?;
    cel::add_member_overload!(env, fn masked: (Cidr) -> Cidr)?;
    cel::add_member_overload!(env, fn prefix_length: (Cidr) -> CelInt)?;
    Ok(())
}

fn ip(s: &CelString<'_>) -> Result<Ip, ExecutionError> {
    parse_ip(s.inner())
        .map(Ip)
        .map_err(|e| ExecutionError::function_error("ip", e))
}

fn is_ip(s: &CelString<'_>) -> CelBool {
    CelBool::from(parse_ip(s.inner()).is_ok())
}

/// `ip.isCanonical(s)`: whether `s` is written as Go writes the address back.
fn is_canonical(s: &CelString<'_>) -> Result<CelBool, ExecutionError> {
    let addr =
        parse_ip(s.inner()).map_err(|e| ExecutionError::function_error("ip.isCanonical", e))?;
    Ok(CelBool::from(addr.to_string() == s.inner()))
}

fn ip_to_string(ip: &Ip) -> CelString<'static> {
    CelString::from(ip.0.to_string())
}

fn family(ip: &Ip) -> CelInt {
    CelInt::from(match ip.0 {
        Addr::V4(_) => 4,
        Addr::V6(_) => 6,
    })
}

fn is_unspecified(ip: &Ip) -> CelBool {
    CelBool::from(ip.0.is_unspecified())
}

fn is_loopback(ip: &Ip) -> CelBool {
    CelBool::from(ip.0.is_loopback())
}

fn is_link_local_multicast(ip: &Ip) -> CelBool {
    CelBool::from(ip.0.is_link_local_multicast())
}

fn is_link_local_unicast(ip: &Ip) -> CelBool {
    CelBool::from(ip.0.is_link_local_unicast())
}

fn is_global_unicast(ip: &Ip) -> CelBool {
    CelBool::from(ip.0.is_global_unicast())
}

/// `cidr(s)`: upstream introduces its parser's error with the same words again, so they
/// appear twice.
fn cidr(s: &CelString<'_>) -> Result<Cidr, ExecutionError> {
    parse_cidr(s.inner()).map_err(|e| {
        ExecutionError::function_error(
            "cidr",
            format!("network address parse error during conversion from string: {e}"),
        )
    })
}

fn is_cidr(s: &CelString<'_>) -> CelBool {
    CelBool::from(parse_cidr(s.inner()).is_ok())
}

fn cidr_to_string(c: &Cidr) -> CelString<'static> {
    CelString::from(c.to_string())
}

/// `<cidr>.containsIP(string)`. Upstream hands the parse error of a bad address to the
/// `net.IP` overload, which answers it with a plain `no such overload`; so does kubegate.
fn contains_ip_string(c: &Cidr, s: &CelString<'_>) -> Result<CelBool, ExecutionError> {
    let addr =
        parse_ip(s.inner()).map_err(|_| ExecutionError::no_such_overload("containsIP", vec![]))?;
    Ok(CelBool::from(c.contains(&addr)))
}

fn contains_ip(c: &Cidr, ip: &Ip) -> CelBool {
    CelBool::from(c.contains(&ip.0))
}

/// `<cidr>.containsCIDR(string)`: a bad prefix is `cidr()`'s error.
fn contains_cidr_string(c: &Cidr, s: &CelString<'_>) -> Result<CelBool, ExecutionError> {
    let other = cidr(s)?;
    Ok(CelBool::from(c.contains_cidr(&other)))
}

fn contains_cidr(c: &Cidr, other: &Cidr) -> CelBool {
    CelBool::from(c.contains_cidr(other))
}

fn cidr_ip(c: &Cidr) -> Ip {
    Ip(c.addr)
}

fn masked(c: &Cidr) -> Cidr {
    c.masked()
}

fn prefix_length(c: &Cidr) -> CelInt {
    CelInt::from(i64::from(c.bits))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::sim::cel::run_plain as run;

    #[test]
    fn ip_library() {
        for src in [
            "ip('192.168.0.1') == ip('192.168.0.1')",
            "ip('192.168.0.1') != ip('192.168.0.2')",
            "ip('2001:db8::68') == ip('2001:0db8:0:0:0:0:0:68')",
            "isIP('192.168.0.1') && !isIP('192.168.0.1.0')",
            "isIP('2001:db8::68') && !isIP('2001:db8:::68')",
            "!isIP('010.0.0.1') && !isIP('fe80::1%eth0') && !isIP('::ffff:1.2.3.4') && !isIP('')",
            "ip('192.168.0.1').family() == 4",
            "ip('2001:db8::68').family() == 6",
            "ip('0.0.0.0').isUnspecified() && !ip('127.0.0.1').isUnspecified()",
            "ip('::').isUnspecified() && !ip('::1').isUnspecified()",
            "ip('127.0.0.1').isLoopback() && !ip('1.2.3.4').isLoopback()",
            "ip('::1').isLoopback() && !ip('2001:db8::abcd').isLoopback()",
            "ip('224.0.0.1').isLinkLocalMulticast() && !ip('224.0.1.1').isLinkLocalMulticast()",
            "ip('ff02::1').isLinkLocalMulticast() && !ip('fd00::1').isLinkLocalMulticast()",
            "ip('169.254.169.254').isLinkLocalUnicast() && !ip('192.168.0.1').isLinkLocalUnicast()",
            "ip('fe80::1').isLinkLocalUnicast() && !ip('fd80::1').isLinkLocalUnicast()",
            "ip('192.168.0.1').isGlobalUnicast() && !ip('255.255.255.255').isGlobalUnicast()",
            "ip('2001:db8::abcd').isGlobalUnicast() && !ip('ff00::1').isGlobalUnicast()",
            "string(ip('192.168.0.1')) == '192.168.0.1'",
            "string(ip('2001:0DB8:0:0:1:0:0:1')) == '2001:db8::1:0:0:1'",
            "string(ip('1:0:0:2:0:0:0:3')) == '1:0:0:2::3'",
            "string(ip('::1.2.3.4')) == '::102:304'",
            "type(ip('192.168.0.1')) == net.IP",
        ] {
            assert_eq!(run(src), Ok(json!(true)), "{src}");
        }
    }

    #[test]
    fn ip_errors_are_upstreams() {
        for (src, want) in [
            (
                "ip('192.168.0.1.0')",
                "IP Address \"192.168.0.1.0\" parse error during conversion from string: ParseAddr(\"192.168.0.1.0\"): IPv4 address too long",
            ),
            (
                "ip('2001:db8:::68')",
                "IP Address \"2001:db8:::68\" parse error during conversion from string: ParseAddr(\"2001:db8:::68\"): each colon-separated field must have at least one digit (at \":68\")",
            ),
            (
                "ip('192.168.0.01')",
                "IP Address \"192.168.0.01\" parse error during conversion from string: ParseAddr(\"192.168.0.01\"): IPv4 field has octet with leading zero",
            ),
            (
                "ip('192.168.0.1a')",
                "IP Address \"192.168.0.1a\" parse error during conversion from string: ParseAddr(\"192.168.0.1a\"): unexpected character (at \"a\")",
            ),
            (
                "ip('1.2.3')",
                "IP Address \"1.2.3\" parse error during conversion from string: ParseAddr(\"1.2.3\"): IPv4 address too short",
            ),
            (
                "ip('foo')",
                "IP Address \"foo\" parse error during conversion from string: ParseAddr(\"foo\"): unable to parse IP",
            ),
            (
                "ip('fe80::1%eth0')",
                "IP address \"fe80::1%eth0\" with zone value is not allowed",
            ),
            (
                "ip('::ffff:192.168.0.1')",
                "IPv4-mapped IPv6 address \"::ffff:192.168.0.1\" is not allowed",
            ),
        ] {
            assert_eq!(run(src), Err(want.to_string()), "{src}");
        }
    }

    #[test]
    fn ip_is_canonical() {
        assert_eq!(run("ip.isCanonical('127.0.0.1')"), Ok(json!(true)));
        assert_eq!(run("ip.isCanonical('2001:db8::68')"), Ok(json!(true)));
        assert_eq!(run("ip.isCanonical('2001:DB8::68')"), Ok(json!(false)));
        assert_eq!(
            run("ip.isCanonical('2001:db8:0:0:0:0:0:68')"),
            Ok(json!(false))
        );
        assert_eq!(
            run("ip.isCanonical('127.0.0.1.0')"),
            Err("IP Address \"127.0.0.1.0\" parse error during conversion from string: ParseAddr(\"127.0.0.1.0\"): IPv4 address too long".into())
        );
    }

    #[test]
    fn netip_parse_errors() {
        let e = |s: &str| super::parse_addr(s).err().unwrap_or_default();
        assert_eq!(
            e("1::2::3"),
            "ParseAddr(\"1::2::3\"): multiple :: in address (at \":3\")"
        );
        assert_eq!(
            e("1:2:3:4:5:6:7:8:9"),
            "ParseAddr(\"1:2:3:4:5:6:7:8:9\"): trailing garbage after address (at \"9\")"
        );
        assert_eq!(
            e("1:2:3:4:5:6:7"),
            "ParseAddr(\"1:2:3:4:5:6:7\"): address string too short"
        );
        assert_eq!(
            e("1:2:3:4::5:6:7:8"),
            "ParseAddr(\"1:2:3:4::5:6:7:8\"): the :: must expand to at least one field of zeros"
        );
        assert_eq!(
            e("12345::"),
            "ParseAddr(\"12345::\"): each colon-separated field must have at most 4 hex digits (at \"12345::\")"
        );
        assert_eq!(
            e("1.2.3.256"),
            "ParseAddr(\"1.2.3.256\"): IPv4 field has value >255"
        );
        assert_eq!(
            e("1..2.3"),
            "ParseAddr(\"1..2.3\"): IPv4 field must have at least one digit (at \".2.3\")"
        );
        assert_eq!(
            e("fe80::1%"),
            "ParseAddr(\"fe80::1%\"): zone must be a non-empty string"
        );
        assert_eq!(e("%eth0"), "ParseAddr(\"%eth0\"): missing IPv6 address");
        assert_eq!(
            e("1:2:3:4:5:6:1.2.3.4.5"),
            "ParseAddr(\"1:2:3:4:5:6:1.2.3.4.5\"): IPv4 address too long"
        );
        assert!(super::parse_addr("1:2:3:4:5:6:1.2.3.4").is_ok());
        assert!(super::parse_addr("::1.2.3.4").is_ok());
    }

    #[test]
    fn cidr_library() {
        for src in [
            "cidr('192.168.0.0/24') == cidr('192.168.0.0/24')",
            "cidr('192.168.0.0/24').containsIP(ip('192.168.0.1'))",
            "!cidr('192.168.0.0/24').containsIP(ip('192.168.1.1'))",
            "cidr('192.168.0.0/24').containsIP('192.168.0.1')",
            "!cidr('192.168.0.0/24').containsIP('192.168.1.1')",
            "!cidr('192.168.0.0/24').containsIP('::1')",
            "cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.0/25'))",
            "!cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.0/23'))",
            "cidr('192.168.0.0/24').containsCIDR('192.168.0.0/25')",
            "!cidr('192.168.0.0/24').containsCIDR('192.168.0.0/23')",
            "cidr('192.168.0.0/24').containsCIDR(cidr('192.168.0.1/32'))",
            "cidr('192.168.0.0/16').containsCIDR('192.168.10.0/24')",
            "!cidr('192.168.1.0/24').containsCIDR('192.168.2.0/24')",
            "!cidr('0.0.0.0/0').containsCIDR('::/0')",
            "cidr('192.168.0.0/24').ip() == ip('192.168.0.0')",
            "cidr('192.168.0.1/24').ip() == ip('192.168.0.1')",
            "cidr('192.168.0.0/24').masked() == cidr('192.168.0.0/24')",
            "cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24')",
            "cidr('192.168.0.1/24') != cidr('192.168.0.1/24').masked()",
            "cidr('192.168.0.0/24').prefixLength() == 24",
            "cidr('2001:db8::/32') == cidr('2001:db8::/32')",
            "cidr('2001:db8::/32').containsIP(ip('2001:db8::1'))",
            "!cidr('2001:db8::/32').containsIP(ip('2001:dc8::1'))",
            "cidr('2001:db8::/32').containsIP('2001:db8::1')",
            "cidr('2001:db8::/32').containsCIDR(cidr('2001:db8::/33'))",
            "!cidr('2001:db8::/32').containsCIDR(cidr('2001:db8::/31'))",
            "cidr('2001:db8::/32').ip() == ip('2001:db8::')",
            "cidr('2001:db8::/32').masked() == cidr('2001:db8::/32')",
            "cidr('2001:db8:1::/32').masked() == cidr('2001:db8::/32')",
            "cidr('10.1.2.3/13').masked() == cidr('10.0.0.0/13')",
            "cidr('2001:db8::/32').prefixLength() == 32",
            "cidr('::1/128').ip().family() == 6",
            "string(cidr('192.168.0.0/24')) == '192.168.0.0/24'",
            "string(cidr('2001:DB8:1::/48').masked()) == '2001:db8:1::/48'",
            "type(cidr('192.168.0.0/24')) == net.CIDR",
            "isCIDR('192.168.0.0/16') && isCIDR('::1/128') && isCIDR('0.0.0.0/0')",
            "!isCIDR('192.168.0.0/33') && !isCIDR('::1/129') && !isCIDR('192.168.0.0')",
            "!isCIDR('192.168.0.0/024') && !isCIDR('192.168.0.0/+4') && !isCIDR('::ffff:1.2.3.4/120')",
        ] {
            assert_eq!(run(src), Ok(json!(true)), "{src}");
        }
    }

    #[test]
    fn cidr_errors_are_upstreams() {
        for (src, want) in [
            (
                "cidr('192.168.0.0/')",
                "network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(\"192.168.0.0/\"): bad bits after slash: \"\"",
            ),
            (
                "cidr('2001:db8::/')",
                "network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(\"2001:db8::/\"): bad bits after slash: \"\"",
            ),
            (
                "cidr('192.168.0.0/33')",
                "network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(\"192.168.0.0/33\"): prefix length out of range",
            ),
            (
                "cidr('192.168.0.0')",
                "network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(\"192.168.0.0\"): no '/'",
            ),
            (
                "cidr('1.2.3/8')",
                "network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(\"1.2.3/8\"): ParseAddr(\"1.2.3\"): IPv4 address too short",
            ),
            (
                "cidr('fe80::1%eth0/64')",
                "network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(\"fe80::1%eth0/64\"): IPv6 zones cannot be present in a prefix",
            ),
            (
                "cidr('::ffff:192.168.0.1/120')",
                "network address parse error during conversion from string: IPv4-mapped IPv6 address \"::ffff:192.168.0.1/120\" is not allowed",
            ),
            (
                "cidr('192.168.0.0/24').containsCIDR('192.168.0.0/40')",
                "network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(\"192.168.0.0/40\"): prefix length out of range",
            ),
            ("cidr('192.168.0.0/24').containsIP('nope')", "no such overload"),
        ] {
            assert_eq!(run(src), Err(want.to_string()), "{src}");
        }
    }
}

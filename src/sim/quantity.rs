//! Resource quantities (`500m`, `128Mi`, `1e3`) as `k8s.io/apimachinery/pkg/api/resource`
//! reads, compares and prints them (`Quantity.String()`): held exactly, in billionths.
//! See <https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/>.

use serde_json::Value;

/// How a quantity was written, which decides how it prints.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum QFormat {
    /// `k`, `M`, `m`, … suffixes.
    DecimalSI,
    /// `Ki`, `Mi`, … suffixes.
    BinarySI,
    /// `e3` exponents.
    DecimalExponent,
}

/// A resource quantity held in billionths.
#[derive(Clone, Copy, Debug)]
pub struct Quantity {
    /// The value in billionths.
    pub nanos: i128,
    /// How it was written.
    pub format: QFormat,
}

/// Billionths per unit.
pub const NANO: i128 = 1_000_000_000;

/// Divides rounding away from zero (Quantity rounds up what is finer than its scale).
fn div_up(a: i128, b: i128) -> i128 {
    let q = a / b;
    if a % b == 0 {
        q
    } else if (a < 0) == (b < 0) {
        q + 1
    } else {
        q - 1
    }
}

impl Quantity {
    /// Zero.
    pub fn zero() -> Self {
        Quantity {
            nanos: 0,
            format: QFormat::DecimalSI,
        }
    }

    /// Parses a quantity string (`1.5Gi`, `100m`, `2e3`); `None` when it is not one.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let (negative, rest) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (num, suffix) = rest.split_at(num_len);
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return None;
        }
        let (int_part, frac_part) = num.split_once('.').unwrap_or((num, ""));
        let digits = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        if digits.len() > 30 {
            return None;
        }
        let mantissa: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        let frac = u32::try_from(frac_part.len()).ok()?;
        let (format, value) = match suffix {
            "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
                let power = match suffix {
                    "Ki" => 1,
                    "Mi" => 2,
                    "Gi" => 3,
                    "Ti" => 4,
                    "Pi" => 5,
                    _ => 6,
                };
                let scaled = mantissa
                    .checked_mul(1024_i128.checked_pow(power)?)?
                    .checked_mul(NANO)?;
                (
                    QFormat::BinarySI,
                    div_up(scaled, 10_i128.checked_pow(frac)?),
                )
            }
            _ => {
                let (format, exp10): (QFormat, i32) = match suffix {
                    "" => (QFormat::DecimalSI, 0),
                    "n" => (QFormat::DecimalSI, -9),
                    "u" => (QFormat::DecimalSI, -6),
                    "m" => (QFormat::DecimalSI, -3),
                    "k" => (QFormat::DecimalSI, 3),
                    "M" => (QFormat::DecimalSI, 6),
                    "G" => (QFormat::DecimalSI, 9),
                    "T" => (QFormat::DecimalSI, 12),
                    "P" => (QFormat::DecimalSI, 15),
                    "E" => (QFormat::DecimalSI, 18),
                    e if e.len() > 1 && (e.starts_with('e') || e.starts_with('E')) => {
                        (QFormat::DecimalExponent, e[1..].parse().ok()?)
                    }
                    _ => return None,
                };
                let shift = exp10 + 9 - i32::try_from(frac).ok()?;
                let value = if shift >= 0 {
                    mantissa.checked_mul(10_i128.checked_pow(u32::try_from(shift).ok()?)?)?
                } else {
                    div_up(mantissa, 10_i128.checked_pow(u32::try_from(-shift).ok()?)?)
                };
                (format, value)
            }
        };
        Some(Quantity {
            nanos: if negative { -value } else { value },
            format,
        })
    }

    /// Why the API server's decoder refuses this text as a quantity (`ParseQuantity`'s
    /// errors), or why kubegate cannot hold one it accepts; `None` when it reads.
    pub fn problem(text: &str) -> Option<&'static str> {
        const FORMAT: &str = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
        // ^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$, by hand.
        let t = text.trim();
        let rest = t.strip_prefix(['+', '-']).unwrap_or(t);
        let num = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let after = &rest[num..];
        let letters = after
            .find(|c: char| !"eEinumkKMGTP".contains(c))
            .unwrap_or(after.len());
        let tail = &after[letters..];
        let tail = tail.strip_prefix(['+', '-']).unwrap_or(tail);
        if num == 0 || !tail.bytes().all(|b| b.is_ascii_digit()) {
            return Some(FORMAT);
        }
        if Quantity::parse(t).is_some() {
            return None;
        }
        let suffix = &after;
        let known = matches!(
            *suffix,
            "" | "n"
                | "u"
                | "m"
                | "k"
                | "M"
                | "G"
                | "T"
                | "P"
                | "E"
                | "Ki"
                | "Mi"
                | "Gi"
                | "Ti"
                | "Pi"
                | "Ei"
        ) || ((suffix.starts_with('e') || suffix.starts_with('E'))
            && suffix[1..]
                .trim_start_matches(['+', '-'])
                .bytes()
                .all(|b| b.is_ascii_digit())
            && suffix.len() > 1);
        if !known || rest[..num].matches('.').count() > 1 || &rest[..num] == "." {
            return Some(if known {
                FORMAT
            } else {
                "unable to parse quantity's suffix"
            });
        }
        Some("kubegate holds quantities up to about 1.7e29 with nine decimals; this one is beyond what it can hold (the API server would take it)")
    }

    /// A quantity from a JSON value (a string or a number); `None` when it is not one.
    pub fn from_json(v: &Value) -> Option<Self> {
        match v {
            Value::String(s) => Quantity::parse(s),
            Value::Number(n) => Quantity::parse(&n.to_string()),
            _ => None,
        }
    }

    /// A quantity from a JSON field; zero when absent or invalid.
    pub fn of(v: Option<&Value>) -> Self {
        v.and_then(Quantity::from_json)
            .unwrap_or_else(Quantity::zero)
    }

    /// Subtracts another quantity (a zero takes the other's format, as Go's does).
    pub fn sub(&mut self, other: Quantity) {
        if self.nanos == 0 {
            self.format = other.format;
        }
        self.nanos = self.nanos.saturating_sub(other.nanos);
    }

    /// Whether the quantity is below zero.
    pub fn is_negative(&self) -> bool {
        self.nanos < 0
    }

    /// Adds another quantity.
    pub fn add(&mut self, other: Quantity) {
        // A zero takes the format of what is added to it (so 0 + 256Mi prints 256Mi).
        if self.nanos == 0 {
            self.format = other.format;
        }
        self.nanos = self.nanos.saturating_add(other.nanos);
    }

    /// The value in thousandths, rounded up.
    pub fn milli_value(&self) -> i128 {
        div_up(self.nanos, 1_000_000)
    }

    /// The value, rounded up.
    pub fn value(&self) -> i128 {
        div_up(self.nanos, NANO)
    }

    /// Whether it is zero.
    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.nanos == 0 {
            return f.write_str("0");
        }
        let mut format = self.format;
        if format == QFormat::BinarySI
            && (self.nanos.unsigned_abs() < 1024 * NANO.unsigned_abs() || self.nanos % NANO != 0)
        {
            format = QFormat::DecimalSI;
        }
        if format == QFormat::BinarySI {
            let mut v = self.nanos / NANO;
            let mut power = 0;
            while v % 1024 == 0 && power < 6 {
                v /= 1024;
                power += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][power];
            return write!(f, "{v}{suffix}");
        }
        let mut mantissa = self.nanos;
        let mut exp: i32 = -9;
        while mantissa % 10 == 0 {
            mantissa /= 10;
            exp += 1;
        }
        let r = exp.rem_euclid(3);
        mantissa = mantissa.saturating_mul(10_i128.pow(u32::try_from(r).unwrap_or(0)));
        exp -= r;
        let suffix = match (format, exp) {
            (_, 0) => String::new(),
            (QFormat::DecimalSI, -9) => "n".into(),
            (QFormat::DecimalSI, -6) => "u".into(),
            (QFormat::DecimalSI, -3) => "m".into(),
            (QFormat::DecimalSI, 3) => "k".into(),
            (QFormat::DecimalSI, 6) => "M".into(),
            (QFormat::DecimalSI, 9) => "G".into(),
            (QFormat::DecimalSI, 12) => "T".into(),
            (QFormat::DecimalSI, 15) => "P".into(),
            (QFormat::DecimalSI, 18) => "E".into(),
            (_, e) => format!("e{e}"),
        };
        write!(f, "{mantissa}{suffix}")
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    /// Quantities compare by value, whatever their format.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_quantities_get_parse_quantitys_errors() {
        let format = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
        for (text, want) in [
            ("100m", None),
            (" 1Gi ", None),
            ("-1", None),
            ("1e3", None),
            ("abc", Some(format)),
            ("", Some(format)),
            ("1Zi", Some(format)),
            ("true", Some(format)),
            ("1Mm", Some("unable to parse quantity's suffix")),
        ] {
            assert_eq!(Quantity::problem(text), want, "{text:?}");
        }
        assert!(Quantity::problem("99999999999999999999999999999999999Ei")
            .is_some_and(|m| m.starts_with("kubegate holds quantities")));
    }

    #[test]
    fn parse_print_and_compare_as_apimachinery_does() {
        // From k8s.io/apimachinery's quantity_test.go canonical forms.
        for (input, canonical) in [
            ("0", "0"),
            ("100m", "100m"),
            ("0.1", "100m"),
            ("1000m", "1"),
            ("1.5Gi", "1536Mi"),
            ("1024Mi", "1Gi"),
            ("2e3", "2e3"),
            ("1.5", "1500m"),
            ("12e6", "12e6"),
            ("1Ki", "1Ki"),
            ("1k", "1k"),
            ("0.5Ki", "512"),
            ("1n", "1n"),
        ] {
            let q = Quantity::parse(input).unwrap_or_else(|| panic!("{input}"));
            assert_eq!(q.to_string(), canonical, "{input}");
        }
        for bad in ["", "abc", "1.2.3", "1Gb", ".", "--1"] {
            assert!(Quantity::parse(bad).is_none(), "{bad}");
        }
        let q = |s: &str| Quantity::parse(s).unwrap();
        assert!(q("1Gi") > q("1G"));
        assert_eq!(q("1000Mi"), q("1000Mi"));
        assert_eq!(q("1"), q("1000m"));
        assert_eq!(Quantity::from_json(&serde_json::json!(2)), Some(q("2")));
        assert_eq!(q("1.5").milli_value(), 1500);
        assert_eq!(q("1m").value(), 1);
    }
}

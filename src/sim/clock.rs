//! The simulated clock: RFC 3339 timestamps and the ages kubectl prints.
//! See <https://kubernetes.io/docs/reference/using-api/api-concepts/>.

/// Seconds since the Unix epoch.
pub type Instant = i64;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (`civil_from_days`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses an RFC 3339 timestamp such as `2026-11-29T10:00:00Z` (Go's `time.RFC3339` layout:
/// a four-digit year, optional fractional seconds, `Z` or a `±hh:mm` offset; a space or a
/// lower-case `t` is accepted between date and time, as kubectl's inputs sometimes have).
pub fn parse_rfc3339(text: &str) -> Option<Instant> {
    let b = text.trim().as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter().try_fold(0i64, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let sep = |at: usize, allowed: &[u8]| b.get(at).is_some_and(|c| allowed.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (y, mo, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (h, mi, s) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == b.len() && sep(i + 3, b":") => {
            let (oh, om) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let secs = oh * 3600 + om * 60;
            if *sign == b'+' {
                secs
            } else {
                -secs
            }
        }
        _ => return None,
    };
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset)
}

/// Formats seconds since the epoch as Kubernetes does (`2026-11-29T10:00:00Z`). Any instant
/// formats: times before 1970 are clamped to the epoch (the store never holds them), and
/// years past 9999 are written with more digits, as Go's `Format` writes them.
pub fn format_rfc3339(t: Instant) -> String {
    let t = t.max(0);
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The time as `date -u` prints it: `Sun Nov 29 10:00:00 UTC 2026`.
pub fn format_date(t: Instant) -> String {
    let t = t.max(0);
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    // 1970-01-01 was a Thursday.
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        [usize::try_from(days.rem_euclid(7)).unwrap_or(0)];
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][usize::try_from(m).unwrap_or(1).saturating_sub(1).min(11)];
    format!(
        "{weekday} {month} {d:2} {:02}:{:02}:{:02} UTC {y}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// GNU `sleep`'s operands (`5`, `1.5`, `2m`, `1h 30m`): the seconds they add up to, rounded
/// up to whole seconds (the simulated clock's grain), or sleep's error.
pub fn parse_sleep(args: &[String]) -> Result<i64, String> {
    if args.is_empty() {
        return Err("sleep: missing operand\nTry 'sleep --help' for more information.".into());
    }
    let mut total = 0.0_f64;
    for a in args {
        let (number, unit) = match a.char_indices().last() {
            Some((i, c @ ('s' | 'm' | 'h' | 'd'))) => (&a[..i], c),
            _ => (a.as_str(), 's'),
        };
        let value: f64 = number
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0 && !number.starts_with('+'))
            .ok_or_else(|| format!("sleep: invalid time interval \u{2018}{a}\u{2019}\nTry 'sleep --help' for more information."))?;
        total += value
            * match unit {
                'm' => 60.0,
                'h' => 3600.0,
                'd' => 86_400.0,
                _ => 1.0,
            };
    }
    // Ten thousand years at most: the clock stays printable.
    #[allow(clippy::cast_possible_truncation)]
    Ok(total.ceil().min(315_576_000_000.0) as i64)
}

/// kubectl's `HumanDuration` (the AGE column): `5s`, `3m12s`, `2d3h`, `400d`.
pub fn human_duration(secs: i64) -> String {
    if secs < 0 {
        return "<invalid>".into();
    }
    if secs < 60 * 2 {
        return format!("{secs}s");
    }
    let minutes = secs / 60;
    if minutes < 10 {
        let s = secs % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let days = hours / 24;
        let d = days % 365;
        return if d == 0 {
            format!("{}y", days / 365)
        } else {
            format!("{}y{d}d", days / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_rfc3339() {
        let t = parse_rfc3339("2026-11-29T10:00:00Z").unwrap();
        assert_eq!(t, 1_795_946_400);
        assert_eq!(format_rfc3339(t), "2026-11-29T10:00:00Z");
        assert_eq!(parse_rfc3339("nonsense"), None);
    }

    #[test]
    fn formats_every_instant_without_panicking() {
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(-5), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
        assert_eq!(format_rfc3339(253_402_300_800), "10000-01-01T00:00:00Z");
        assert!(format_rfc3339(i64::MAX).ends_with('Z'));
        // Every day of four centuries round-trips.
        for day in (0..146_097 * 2).step_by(7) {
            let t = day * 86_400 + 3_723;
            assert_eq!(parse_rfc3339(&format_rfc3339(t)), Some(t), "{t}");
        }
    }

    #[test]
    fn parses_go_rfc3339_forms() {
        let base = 1_795_946_400;
        for (text, want) in [
            ("2026-11-29T10:00:00Z", Some(base)),
            ("2026-11-29t10:00:00z", Some(base)),
            ("2026-11-29 10:00:00Z", Some(base)),
            ("2026-11-29T10:00:00.123456Z", Some(base)),
            ("2026-11-29T11:30:00+01:30", Some(base)),
            ("2026-11-29T08:00:00-02:00", Some(base)),
            ("2026-11-29T10:00:00", None),
            ("2026-02-29T10:00:00Z", None),
            ("2026-11-29T24:00:00Z", None),
            ("2026-11-29T10:00:00.Z", None),
            ("2026-11-29T10:00:00+0100", None),
            ("26-11-29T10:00:00Z", None),
            ("2026-11-29T10:00:00Zjunk", None),
            ("", None),
        ] {
            assert_eq!(parse_rfc3339(text), want, "{text}");
        }
    }

    #[test]
    fn human_durations_follow_kubectl() {
        // Cases from apimachinery's duration_test.go (HumanDuration).
        for (secs, want) in [
            (1, "1s"),
            (70, "70s"),
            (190, "3m10s"),
            (70 * 60, "70m"),
            (47 * 3600, "47h"),
            (49 * 3600, "2d1h"),
            ((8 * 24 + 2) * 3600, "8d"),
            (367 * 24 * 3600, "367d"),
            ((365 * 2 + 25) * 24 * 3600, "2y25d"),
            ((365 * 8 + 25) * 24 * 3600, "8y"),
        ] {
            assert_eq!(human_duration(secs), want, "{secs}");
        }
    }
}

#[cfg(test)]
mod sleep_tests {
    use super::*;

    #[test]
    fn sleep_reads_gnu_durations_and_date_prints_like_date_u() {
        let w = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_sleep(&w(&["5"])), Ok(5));
        assert_eq!(parse_sleep(&w(&["1.5"])), Ok(2));
        assert_eq!(parse_sleep(&w(&["2m", "30"])), Ok(150));
        assert_eq!(parse_sleep(&w(&["1h"])), Ok(3600));
        assert_eq!(parse_sleep(&w(&["1d"])), Ok(86_400));
        assert!(parse_sleep(&w(&["x"]))
            .unwrap_err()
            .starts_with("sleep: invalid time interval ‘x’"));
        assert!(parse_sleep(&w(&["-1"])).is_err());
        assert!(parse_sleep(&w(&[]))
            .unwrap_err()
            .starts_with("sleep: missing operand"));
        assert_eq!(
            format_date(parse_rfc3339("2026-11-29T10:00:00Z").unwrap()),
            "Sun Nov 29 10:00:00 UTC 2026"
        );
        assert_eq!(
            format_date(parse_rfc3339("2026-12-07T09:05:01Z").unwrap()),
            "Mon Dec  7 09:05:01 UTC 2026"
        );
    }
}

//! The simulated clock: RFC 3339 timestamps and the ages kubectl prints.
//! See <https://kubernetes.io/docs/reference/using-api/api-concepts/>.

use std::time::{Duration, UNIX_EPOCH};

/// Seconds since the Unix epoch.
pub type Instant = i64;

/// Parses an RFC 3339 timestamp such as `2026-11-29T10:00:00Z`.
pub fn parse_rfc3339(text: &str) -> Option<Instant> {
    let t = humantime::parse_rfc3339_weak(text.trim()).ok()?;
    let secs = t.duration_since(UNIX_EPOCH).ok()?.as_secs();
    i64::try_from(secs).ok()
}

/// Formats seconds since the epoch as Kubernetes does (`2026-11-29T10:00:00Z`).
pub fn format_rfc3339(t: Instant) -> String {
    let secs = u64::try_from(t.max(0)).unwrap_or(0);
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
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

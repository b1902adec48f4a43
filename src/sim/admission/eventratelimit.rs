//! **EventRateLimit** (`plugin/pkg/admission/eventratelimit`), off by default: caps how
//! fast Events may be written, with token buckets per Server, Namespace, User or
//! SourceAndObject, configured through `--admission-control-config-file`. A full bucket lets
//! `burst` events through at once, then refills at `qps` per second of the simulated clock.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#eventratelimit>.

use crate::sim::ptr::Ptr as _;
use std::collections::BTreeMap;

use serde_json::Value;

use super::config::{ConfigError, PluginConfig};
use super::{Attributes, Context, Verdict};
use crate::sim::clock::Instant;
use crate::sim::controlplane::ControlPlane;
use crate::sim::response::ApiError;

/// The plugin's name in the table and the configuration file.
pub const NAME: &str = "EventRateLimit";

/// What a limit's buckets are keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LimitType {
    Server,
    Namespace,
    User,
    SourceAndObject,
}

impl LimitType {
    fn name(self) -> &'static str {
        match self {
            LimitType::Server => "Server",
            LimitType::Namespace => "Namespace",
            LimitType::User => "User",
            LimitType::SourceAndObject => "SourceAndObject",
        }
    }
}

/// One configured limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    pub kind: LimitType,
    pub qps: i64,
    pub burst: i64,
    /// How many keys keep a bucket (least recently used ones are forgotten; 4096 by default).
    pub cache_size: usize,
}

/// A token bucket: the tokens left at `at`.
#[derive(Debug, Clone, PartialEq)]
struct Bucket {
    tokens: f64,
    at: Instant,
    /// When it was last used (for the LRU cache).
    used: u64,
}

/// The buckets of every limit, kept across requests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Buckets {
    buckets: BTreeMap<(usize, String), Bucket>,
    tick: u64,
}

impl Buckets {
    /// Takes one token from the bucket of `limit` (index `i`) for `key` at `now`; false when
    /// it is empty.
    fn take(&mut self, i: usize, limit: &Limit, key: &str, now: Instant) -> bool {
        self.tick += 1;
        let tick = self.tick;
        #[allow(clippy::cast_precision_loss)]
        let (burst, qps) = (limit.burst as f64, limit.qps as f64);
        let bucket = self.buckets.entry((i, key.to_string())).or_insert(Bucket {
            tokens: burst,
            at: now,
            used: tick,
        });
        #[allow(clippy::cast_precision_loss)]
        let elapsed = (now - bucket.at).max(0) as f64;
        bucket.tokens = (bucket.tokens + elapsed * qps).min(burst);
        bucket.at = now.max(bucket.at);
        bucket.used = tick;
        let ok = bucket.tokens >= 1.0;
        if ok {
            bucket.tokens -= 1.0;
        }
        // The LRU cache of a non-Server limit forgets its least recently used keys.
        if limit.kind != LimitType::Server {
            let keys: Vec<(usize, String, u64)> = self
                .buckets
                .iter()
                .filter(|((j, _), _)| *j == i)
                .map(|((j, k), b)| (*j, k.clone(), b.used))
                .collect();
            if keys.len() > limit.cache_size {
                if let Some((j, k, _)) = keys.iter().min_by_key(|(_, _, used)| *used) {
                    self.buckets.remove(&(*j, k.clone()));
                }
            }
        }
        ok
    }

    /// The tokens left in a bucket at `now` (for the trace).
    fn left(&self, i: usize, limit: &Limit, key: &str, now: Instant) -> i64 {
        #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
        self.buckets
            .get(&(i, key.to_string()))
            .map_or(limit.burst, |b| {
                let elapsed = (now - b.at).max(0) as f64;
                (b.tokens + elapsed * limit.qps as f64)
                    .min(limit.burst as f64)
                    .floor() as i64
            })
    }
}

/// Reads and validates the plugin's Configuration (at boot, when the plugin is enabled).
/// Errors are kube-apiserver's: it would not start.
pub fn configure(cfg: Option<&PluginConfig>, cp: &ControlPlane) -> Result<Vec<Limit>, ConfigError> {
    let empty = PluginConfig::default();
    let cfg = cfg.unwrap_or(&empty);
    let v = &cfg.value;
    let fail = |path: &[&str], message: String| ConfigError {
        pos: if cfg.node.is_some() {
            cfg.pos_of(cp, path)
        } else {
            cp.arg_pos
                .get("enable-admission-plugins")
                .copied()
                .unwrap_or_default()
        },
        message: format!("couldn't init admission plugin \"{NAME}\": {message}"),
    };
    if !v.is_null() {
        let api_version = v.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let kind = v.get("kind").and_then(Value::as_str).unwrap_or("");
        if api_version != "eventratelimit.admission.k8s.io/v1alpha1" || kind != "Configuration" {
            return Err(fail(
                &[],
                format!("no kind \"{kind}\" is registered for version \"{api_version}\" (EventRateLimit reads kind Configuration, apiVersion eventratelimit.admission.k8s.io/v1alpha1)"),
            ));
        }
        if let Some(m) = v.as_object() {
            if let Some(k) = m
                .keys()
                .find(|k| !matches!(k.as_str(), "apiVersion" | "kind" | "limits"))
            {
                return Err(fail(
                    &[k],
                    format!("strict decoding error: unknown field \"{k}\""),
                ));
            }
        }
    }
    let items = v
        .get("limits")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if items.is_empty() {
        let shown = if v.get("limits").is_some_and(|l| l.is_array()) {
            "[]"
        } else {
            "null"
        };
        return Err(fail(
            &["limits"],
            format!("limits: Invalid value: {shown}: must not be empty"),
        ));
    }
    let mut limits = Vec::new();
    let mut errors: Vec<(Vec<String>, String)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let idx = i.to_string();
        if let Some(m) = item.as_object() {
            if let Some(k) = m
                .keys()
                .find(|k| !matches!(k.as_str(), "type" | "qps" | "burst" | "cacheSize"))
            {
                errors.push((
                    vec!["limits".into(), idx.clone(), k.clone()],
                    format!("strict decoding error: unknown field \"limits[{i}].{k}\""),
                ));
                continue;
            }
        }
        let kind_text = item.get("type").and_then(Value::as_str).unwrap_or("");
        let kind = match kind_text {
            "Server" => Some(LimitType::Server),
            "Namespace" => Some(LimitType::Namespace),
            "User" => Some(LimitType::User),
            "SourceAndObject" => Some(LimitType::SourceAndObject),
            _ => None,
        };
        if kind.is_none() {
            errors.push((
                vec!["limits".into(), idx.clone(), "type".into()],
                format!("limits[{i}].type: Unsupported value: {}: supported values: \"Server\", \"Namespace\", \"User\", \"SourceAndObject\"", crate::sim::yamlout::go_quote(kind_text)),
            ));
        }
        let int = |k: &str| item.get(k).and_then(Value::as_i64).unwrap_or(0);
        let (qps, burst, cache) = (int("qps"), int("burst"), int("cacheSize"));
        if burst <= 0 {
            errors.push((
                vec!["limits".into(), idx.clone(), "burst".into()],
                format!("limits[{i}].burst: Invalid value: {burst}: must be positive"),
            ));
        }
        if qps <= 0 {
            errors.push((
                vec!["limits".into(), idx.clone(), "qps".into()],
                format!("limits[{i}].qps: Invalid value: {qps}: must be positive"),
            ));
        }
        if kind != Some(LimitType::Server) && cache < 0 {
            errors.push((
                vec!["limits".into(), idx.clone(), "cacheSize".into()],
                format!("limits[{i}].cacheSize: Invalid value: {cache}: must not be negative"),
            ));
        }
        if let Some(kind) = kind {
            limits.push(Limit {
                kind,
                qps,
                burst,
                cache_size: if cache == 0 {
                    4096
                } else {
                    usize::try_from(cache).unwrap_or(4096)
                },
            });
        }
    }
    if let Some((path, _)) = errors.first() {
        let text = if errors.len() == 1 {
            errors[0].1.clone()
        } else {
            format!(
                "[{}]",
                errors
                    .iter()
                    .map(|(_, m)| m.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        return Err(fail(&path, text));
    }
    Ok(limits)
}

/// The key of an Event under a limit type.
fn key(kind: LimitType, a: &Attributes<'_>) -> String {
    match kind {
        LimitType::Server => String::new(),
        LimitType::Namespace => a.namespace.clone(),
        LimitType::User => a.user.username.clone(),
        LimitType::SourceAndObject => {
            let Some(e) = a.object.as_ref() else {
                return String::new();
            };
            let s = |p: &str| e.ptr(p).and_then(Value::as_str).unwrap_or("");
            [
                "/source/component",
                "/source/host",
                "/involvedObject/kind",
                "/involvedObject/namespace",
                "/involvedObject/name",
                "/involvedObject/uid",
                "/involvedObject/apiVersion",
            ]
            .iter()
            .map(|p| s(p))
            .collect()
        }
    }
}

/// EventRateLimit's `Validate`.
pub fn validate(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if !(a.group.is_empty() && a.resource == "events") {
        return Verdict::Skip("only limits core Events".into());
    }
    if a.dry_run {
        return Verdict::Skip("a dry run uses no tokens".into());
    }
    let limits = ctx.state.event_limits.clone();
    let mut refused = Vec::new();
    let mut notes = Vec::new();
    for (i, limit) in limits.iter().enumerate() {
        let k = key(limit.kind, a);
        if ctx.state.event_buckets.take(i, limit, &k, ctx.now) {
            notes.push(format!(
                "{} key {:?}: {} of {} tokens left (refills {}/s)",
                limit.kind.name(),
                k,
                ctx.state.event_buckets.left(i, limit, &k, ctx.now),
                limit.burst,
                limit.qps
            ));
        } else {
            refused.push(format!(
                "Too many requests: limit reached on type {} for key {k}",
                limit.kind.name()
            ));
        }
    }
    match refused.len() {
        0 => Verdict::Admit(notes.join("; ").into()),
        1 => Verdict::Reject(ApiError::too_many_requests(&refused[0])),
        _ => Verdict::Reject(ApiError::too_many_requests(&format!(
            "[{}]",
            refused.join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_lets_a_burst_through_then_refills_at_qps() {
        let limit = Limit {
            kind: LimitType::Namespace,
            qps: 1,
            burst: 3,
            cache_size: 4096,
        };
        let mut b = Buckets::default();
        let taken: Vec<bool> = (0..4).map(|_| b.take(0, &limit, "blue", 100)).collect();
        assert_eq!(taken, [true, true, true, false]);
        // Another key has its own bucket.
        assert!(b.take(0, &limit, "red", 100));
        // Two seconds later, two tokens are back, not more.
        assert!(b.take(0, &limit, "blue", 102));
        assert!(b.take(0, &limit, "blue", 102));
        assert!(!b.take(0, &limit, "blue", 102));
        // A long wait fills the bucket only to its burst.
        let taken: Vec<bool> = (0..4).map(|_| b.take(0, &limit, "blue", 10_000)).collect();
        assert_eq!(taken, [true, true, true, false]);
    }

    #[test]
    fn the_cache_forgets_the_least_recently_used_key() {
        let limit = Limit {
            kind: LimitType::User,
            qps: 1,
            burst: 1,
            cache_size: 2,
        };
        let mut b = Buckets::default();
        assert!(b.take(0, &limit, "alice", 0));
        assert!(b.take(0, &limit, "bob", 0));
        assert!(b.take(0, &limit, "carol", 0)); // alice is forgotten
        assert!(b.take(0, &limit, "alice", 0)); // a fresh bucket
        assert!(!b.take(0, &limit, "carol", 0));
    }
}

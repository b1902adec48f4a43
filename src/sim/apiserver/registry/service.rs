//! The Service registry's allocations (`pkg/registry/core/service`): cluster IPs and node ports.
//! See <https://kubernetes.io/docs/concepts/services-networking/service/>.

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Value};

use crate::sim::store::name_of;

/// The Service registry's allocations on create: a cluster IP from the service CIDR
/// (10.96.0.0/12) unless headless or ExternalName, and node ports (30000-32767) for NodePort
/// and LoadBalancer Services. Deterministic here (a hash of the name, then the next free one)
/// where the real allocator picks at random. Returns what it allocated, for the trace.
pub(crate) fn allocate_service(store: &crate::sim::store::Store, obj: &mut Value) -> Vec<String> {
    let mut notes = Vec::new();
    let key = format!(
        "{}/{}",
        obj.ptr("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or(""),
        name_of(obj)
    );
    let hash = key.bytes().fold(2_166_136_261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16_777_619)
    });
    let services: Vec<Value> = store.list("", "services", None).cloned().collect();
    let kind = obj
        .ptr("/spec/type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP")
        .to_string();
    let ip_set = obj
        .ptr("/spec/clusterIP")
        .and_then(Value::as_str)
        .is_some_and(|ip| !ip.is_empty());
    if kind != "ExternalName" && !ip_set {
        let used: std::collections::HashSet<&str> = services
            .iter()
            .filter_map(|s| s.ptr("/spec/clusterIP").and_then(Value::as_str))
            .collect();
        // 10.96.0.0/12: 2^20 addresses; skip the network address, .1 (kubernetes) and .10 (DNS).
        let size = 1u32 << 20;
        let mut offset = hash % size;
        let ip = loop {
            let n = (10u32 << 24 | 96 << 16) + offset;
            let ip = format!(
                "{}.{}.{}.{}",
                n >> 24,
                (n >> 16) & 255,
                (n >> 8) & 255,
                n & 255
            );
            if offset > 10 && !used.contains(ip.as_str()) {
                break ip;
            }
            offset = (offset + 1) % size;
        };
        obj["spec"]["clusterIP"] = json!(ip);
        obj["spec"]["clusterIPs"] = json!([ip]);
        notes.push(format!("cluster IP {ip}"));
    } else if let Some(ip) = obj.ptr("/spec/clusterIP").cloned() {
        if obj.ptr("/spec/clusterIPs").is_none() && kind != "ExternalName" {
            obj["spec"]["clusterIPs"] = json!([ip]);
        }
    }
    if kind == "NodePort" || kind == "LoadBalancer" {
        let mut used: std::collections::HashSet<i64> = services
            .iter()
            .flat_map(|s| {
                s.ptr("/spec/ports")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            })
            .filter_map(|p| p.get("nodePort").and_then(Value::as_i64))
            .collect();
        let mut next = 30000 + i64::from(hash % 2768);
        if let Some(ports) = obj.ptr_mut("/spec/ports").and_then(Value::as_array_mut) {
            for p in ports {
                if p.get("nodePort").is_some() {
                    continue;
                }
                while used.contains(&next) {
                    next = 30000 + (next - 30000 + 1) % 2768;
                }
                used.insert(next);
                p["nodePort"] = json!(next);
                notes.push(format!("node port {next}"));
            }
        }
    }
    notes
}

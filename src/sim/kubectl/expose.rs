//! `kubectl expose TYPE NAME [--port] [--target-port] [--type] [--name]`: read the object, take
//! its selector and ports, and create a Service for it — as kubectl v1.37's service generator
//! does. See <https://kubernetes.io/docs/reference/kubectl/generated/kubectl_expose/>.

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Map, Value};

use super::args::{flag, Arity, Flag};
use super::{printers, tail, Cmd, Kubectl};

/// Flags of `kubectl expose` besides the global ones.
pub const FLAGS: &[Flag] = &[
    flag("port", None, Arity::Value),
    flag("target-port", None, Arity::Value),
    flag("protocol", None, Arity::Value),
    flag("type", None, Arity::Value),
    flag("name", None, Arity::Value),
    flag("selector", None, Arity::Value),
    flag("labels", Some('l'), Arity::Value),
    flag("external-ip", None, Arity::Value),
    flag("cluster-ip", None, Arity::Value),
    flag("dry-run", None, Arity::Optional),
    flag("output", Some('o'), Arity::Value),
    flag("filename", Some('f'), Arity::Value),
    flag("field-manager", None, Arity::Value),
];

/// `a=b,c=d` into a map.
fn pairs(text: &str) -> Map<String, Value> {
    text.split(',')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect()
}

impl Kubectl<'_, '_> {
    pub(super) fn expose(&mut self, c: Cmd) {
        let args = tail(&c.p.args, 1);
        let Some(first) = args.first() else {
            return self.err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        };
        let (typed, name) = match first.split_once('/') {
            Some((t, n)) => (t.to_string(), Some(n.to_string())),
            None => (first.clone(), args.get(1).cloned()),
        };
        let Some(res) = self.resolve_type(&typed) else {
            return;
        };
        let Some(name) = name else {
            return self.err("error: resource(s) were provided, but no name was specified");
        };
        let ns = res.namespaced.then_some(c.cfg.namespace.as_str());
        let obj = match self.send(&c.cfg, "GET", &Self::url(res, ns, Some(&name)), None) {
            Ok((200, o)) => o,
            Ok((_, status)) => return self.err(&printers::error_text(&status)),
            Err(e) => return self.err(&e),
        };
        // The selector: --selector, else what the object selects (or a pod's own labels).
        let selector = match c.p.get("selector").filter(|s| !s.is_empty()) {
            Some(s) => pairs(s),
            None => {
                let found = match (res.group, res.name) {
                    ("", "pods") => obj.ptr("/metadata/labels").cloned(),
                    ("", "services" | "replicationcontrollers") => {
                        obj.ptr("/spec/selector").cloned()
                    }
                    _ => {
                        if obj
                            .ptr("/spec/selector/matchExpressions")
                            .and_then(Value::as_array)
                            .is_some_and(|e| !e.is_empty())
                        {
                            return self.err("error: couldn't retrieve selectors via --selector flag or introspection: the selector has matchExpressions, which expose cannot use");
                        }
                        obj.ptr("/spec/selector/matchLabels").cloned()
                    }
                };
                match found.and_then(|v| v.as_object().cloned()) {
                    Some(m) if !m.is_empty() => m,
                    _ => {
                        let why = if res.name == "services" {
                            "the service has no pod selector set"
                        } else {
                            "the object has no selector"
                        };
                        return self.err(&format!(
                            "error: couldn't retrieve selectors via --selector flag or introspection: {why}"
                        ));
                    }
                }
            }
        };
        // The ports: --port, else the container ports (or the service's ports).
        let protocol = c.p.get("protocol").filter(|p| !p.is_empty());
        let mut ports: Vec<(i64, String)> = Vec::new();
        if let Some(p) = c.p.get("port").filter(|p| !p.is_empty()) {
            let Ok(n) = p.parse::<i64>() else {
                return self.err(&format!(
                    "error: strconv.Atoi: parsing \"{p}\": invalid syntax"
                ));
            };
            ports.push((n, protocol.unwrap_or("TCP").to_string()));
        } else {
            let containers = match res.name {
                "pods" => obj.ptr("/spec/containers"),
                _ => obj.ptr("/spec/template/spec/containers"),
            };
            for ctr in containers.and_then(Value::as_array).into_iter().flatten() {
                for p in ctr
                    .get("ports")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(n) = p.get("containerPort").and_then(Value::as_i64) {
                        let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
                        ports.push((n, protocol.unwrap_or(proto).to_string()));
                    }
                }
            }
            if res.name == "services" {
                for p in obj
                    .ptr("/spec/ports")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(n) = p.get("port").and_then(Value::as_i64) {
                        let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
                        ports.push((n, protocol.unwrap_or(proto).to_string()));
                    }
                }
            }
            if ports.is_empty() {
                return self.err("error: couldn't find port via --port flag or introspection");
            }
        }
        let target = c.p.get("target-port").filter(|t| !t.is_empty());
        let several = ports.len() > 1;
        let port_list: Vec<Value> = ports
            .iter()
            .enumerate()
            .map(|(i, (port, proto))| {
                let target = match target {
                    Some(t) => t.parse::<i64>().map_or(json!(t), |n| json!(n)),
                    None => json!(port),
                };
                let mut m = Map::new();
                if several {
                    m.insert("name".into(), json!(format!("port-{}", i + 1)));
                }
                m.insert("protocol".into(), json!(proto));
                m.insert("port".into(), json!(port));
                m.insert("targetPort".into(), target);
                Value::Object(m)
            })
            .collect();
        let svc_name =
            c.p.get("name")
                .filter(|n| !n.is_empty())
                .unwrap_or(&name)
                .to_string();
        let labels = match c.p.get("labels").filter(|l| !l.is_empty()) {
            Some(l) => Some(pairs(l)),
            None => obj
                .ptr("/metadata/labels")
                .and_then(Value::as_object)
                .cloned(),
        };
        let mut meta = Map::new();
        meta.insert("name".into(), json!(svc_name));
        if let Some(n) = obj.ptr("/metadata/namespace") {
            meta.insert("namespace".into(), n.clone());
        }
        if let Some(l) = labels.filter(|l| !l.is_empty()) {
            meta.insert("labels".into(), Value::Object(l));
        }
        let mut spec = Map::new();
        spec.insert("ports".into(), Value::Array(port_list));
        spec.insert("selector".into(), Value::Object(selector));
        if let Some(ip) = c.p.get("cluster-ip").filter(|i| !i.is_empty()) {
            spec.insert("clusterIP".into(), json!(ip));
        }
        if let Some(t) = c.p.get("type").filter(|t| !t.is_empty()) {
            spec.insert("type".into(), json!(t));
        }
        if let Some(ip) = c.p.get("external-ip").filter(|i| !i.is_empty()) {
            spec.insert("externalIPs".into(), json!([ip]));
        }
        let service = json!({"kind": "Service", "apiVersion": "v1", "metadata": meta,
            "spec": spec, "status": {"loadBalancer": {}}});
        let Some(svc_res) = crate::sim::discovery::by_resource(self.minor(), "", "services") else {
            return;
        };
        self.submit_exposed(&c, svc_res, service);
    }
}

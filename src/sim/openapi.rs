//! The OpenAPI v3 documents the server publishes at `/openapi/v3` — what `kubectl explain`
//! reads.
//!
//! The schemas are Kubernetes v1.37's (static/openapi/v1.37.json, made by
//! scripts/gen-openapi.py); every simulated version is served from them. The file is large
//! (1.4 MB), so the engine does not carry it in the web build: native builds read it into
//! the binary, the page fetches it from its own origin after the first render and hands it
//! to [`install`]. Until then the `/openapi/v3` endpoints answer 503.
//!
//! Known gap: the source has no `enum` lists, so `kubectl explain` prints no `ENUM:` /
//! `enum:` lines and no "Possible enum values" text.

use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::discovery::{self, ApiResource};

/// Where the schemas come from (shown by `kubegate`'s docs and folded into the hashes).
const SOURCE_NAME: &str = "kubernetes-validate==1.37.0";

/// The component schemas, by name, with an index from (group, version, kind) to name.
pub struct Schemas {
    by_name: Map<String, Value>,
    by_gvk: BTreeMap<(String, String, String), String>,
}

static SCHEMAS: OnceLock<Schemas> = OnceLock::new();

#[cfg(not(target_arch = "wasm32"))]
const BUNDLED: &str = include_str!("../../static/openapi/v1.37.json");

/// Parses the schemas file (the page calls this with the fetched asset). Installing twice
/// keeps the first.
pub fn install(text: &str) -> Result<(), String> {
    if SCHEMAS.get().is_some() {
        return Ok(());
    }
    let parsed = parse(text)?;
    let _ = SCHEMAS.set(parsed);
    Ok(())
}

fn parse(text: &str) -> Result<Schemas, String> {
    let root: Value = serde_json::from_str(text).map_err(|e| format!("openapi schemas: {e}"))?;
    let Some(Value::Object(by_name)) = root.get("schemas").cloned() else {
        return Err("openapi schemas: no \"schemas\" object".into());
    };
    let mut by_gvk = BTreeMap::new();
    for (name, schema) in &by_name {
        for gvk in schema
            .get("x-kubernetes-group-version-kind")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let part = |k: &str| gvk.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            by_gvk
                .entry((part("group"), part("version"), part("kind")))
                .or_insert_with(|| name.clone());
        }
    }
    Ok(Schemas { by_name, by_gvk })
}

impl Schemas {
    /// The component schema named `name` (`io.k8s.api.core.v1.Pod`).
    pub fn named(&self, name: &str) -> Option<&Value> {
        self.by_name.get(name)
    }

    /// The name of the schema of a kind.
    pub fn name_of_kind(&self, group: &str, version: &str, kind: &str) -> Option<&str> {
        self.by_gvk
            .get(&(group.to_string(), version.to_string(), kind.to_string()))
            .map(String::as_str)
    }
}

/// The schemas, if loaded (always, natively).
pub fn schemas() -> Option<&'static Schemas> {
    #[cfg(not(target_arch = "wasm32"))]
    if SCHEMAS.get().is_none() {
        if let Ok(parsed) = parse(BUNDLED) {
            let _ = SCHEMAS.set(parsed);
        }
    }
    SCHEMAS.get()
}

/// `api/v1` or `apis/<group>/<version>`: a group-version's key in the `/openapi/v3` index.
pub fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// An opaque, stable content tag for a group-version document (the `hash` query parameter).
fn hash(minor: u32, gv: &str) -> String {
    // Upstream sends 128 hex digits (SHA-512 of the document); two SHA-256 halves give the
    // same shape without linking SHA-512 into the page.
    use sha2::{Digest, Sha256};
    let seed = format!("{SOURCE_NAME}/v1.{minor}.0/{gv}");
    let first = Sha256::digest(seed.as_bytes());
    let second = Sha256::digest(first);
    first
        .iter()
        .chain(second.iter())
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// The body of `GET /openapi/v3`: every served group-version and where its document is.
pub fn index(minor: u32) -> Value {
    let mut paths = Map::new();
    for (group, versions) in discovery::groups(minor) {
        for v in versions {
            let gv = gv_path(group, v);
            let url = format!("/openapi/v3/{gv}?hash={}", hash(minor, &gv));
            paths.insert(gv, json!({ "serverRelativeURL": url }));
        }
    }
    json!({ "paths": paths })
}

/// The body of `GET /openapi/v3/<gv>` (`api/v1`, `apis/apps/v1`, …), or `None` when that
/// group-version is not served.
pub fn document(schemas: &Schemas, minor: u32, gv: &str) -> Option<Value> {
    let (group, version) = match gv.split('/').collect::<Vec<_>>()[..] {
        ["api", v] => ("", v),
        ["apis", g, v] => (g, v),
        _ => return None,
    };
    let served: Vec<&ApiResource> = discovery::resources(minor)
        .filter(|r| r.group == group && r.version == version && !r.is_subresource())
        .collect();
    if served.is_empty() {
        return None;
    }
    let prefix = if group.is_empty() {
        format!("/api/{version}")
    } else {
        format!("/apis/{group}/{version}")
    };
    let mut paths = Map::new();
    let mut wanted: Vec<String> = Vec::new();
    for r in &served {
        let gvk = json!({ "group": group, "kind": r.kind, "version": version });
        let op = |action: &str| json!({ "x-kubernetes-action": action, "x-kubernetes-group-version-kind": gvk });
        let ops = |pairs: &[(&str, &str, &str)]| {
            let mut m = Map::new();
            for &(verb, method, action) in pairs {
                if r.verbs.contains(&verb) {
                    m.insert(method.to_string(), op(action));
                }
            }
            Value::Object(m)
        };
        let collection = ops(&[("list", "get", "list"), ("create", "post", "post")]);
        let item = ops(&[
            ("get", "get", "get"),
            ("update", "put", "put"),
            ("patch", "patch", "patch"),
            ("delete", "delete", "delete"),
        ]);
        let base = if r.namespaced {
            format!("{prefix}/namespaces/{{namespace}}/{}", r.name)
        } else {
            format!("{prefix}/{}", r.name)
        };
        if collection.as_object().is_some_and(|m| !m.is_empty()) {
            paths.insert(base.clone(), collection);
        }
        if item.as_object().is_some_and(|m| !m.is_empty()) {
            paths.insert(format!("{base}/{{name}}"), item);
        }
        if r.namespaced && r.verbs.contains(&"list") {
            paths.insert(format!("{prefix}/{}", r.name), json!({ "get": op("list") }));
        }
        for kind in [r.kind.to_string(), format!("{}List", r.kind)] {
            let key = (group.to_string(), version.to_string(), kind);
            if let Some(name) = schemas.by_gvk.get(&key) {
                wanted.push(name.clone());
            }
        }
    }
    let mut components = Map::new();
    for name in closure(schemas, wanted) {
        if let Some(s) = schemas.by_name.get(&name) {
            components.insert(name, s.clone());
        }
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": { "title": "Kubernetes", "version": format!("v1.{minor}.0") },
        "paths": paths,
        "components": { "schemas": components },
    }))
}

/// The named schemas and everything they reference.
fn closure(schemas: &Schemas, start: Vec<String>) -> BTreeSet<String> {
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if k == "$ref" {
                        if let Some(name) = x.as_str().and_then(|s| s.rsplit('/').next()) {
                            out.push(name.to_string());
                        }
                    } else {
                        refs(x, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut seen = BTreeSet::new();
    let mut todo = start;
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(s) = schemas.by_name.get(&name) {
            refs(s, &mut todo);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded() -> &'static Schemas {
        match schemas() {
            Some(s) => s,
            None => panic!("the bundled schemas should parse"),
        }
    }

    #[test]
    fn bundled_schemas_index_kinds() {
        let s = loaded();
        let pod = s.by_gvk.get(&("".into(), "v1".into(), "Pod".into()));
        assert_eq!(pod.map(String::as_str), Some("io.k8s.api.core.v1.Pod"));
        let dep = s
            .by_gvk
            .get(&("apps".into(), "v1".into(), "Deployment".into()));
        assert_eq!(
            dep.map(String::as_str),
            Some("io.k8s.api.apps.v1.Deployment")
        );
    }

    #[test]
    fn index_lists_served_group_versions_with_hashes() {
        let idx = index(37);
        let url = idx["paths"]["apis/apps/v1"]["serverRelativeURL"]
            .as_str()
            .unwrap_or("");
        assert!(url.starts_with("/openapi/v3/apis/apps/v1?hash="), "{url}");
        assert_eq!(url.len(), "/openapi/v3/apis/apps/v1?hash=".len() + 128);
        assert!(idx["paths"].get("api/v1").is_some());
        // batch/v1beta1 (CronJobs) stopped being served in v1.25.
        assert!(idx["paths"].get("apis/batch/v1beta1").is_none());
        assert!(index(24)["paths"].get("apis/batch/v1beta1").is_some());
    }

    #[test]
    fn document_has_paths_with_kinds_and_referenced_schemas() {
        let s = loaded();
        let doc = match document(s, 37, "api/v1") {
            Some(d) => d,
            None => panic!("api/v1 is served"),
        };
        let gvk = &doc["paths"]["/api/v1/namespaces/{namespace}/pods"]["get"]
            ["x-kubernetes-group-version-kind"];
        assert_eq!(gvk["kind"], "Pod");
        assert_eq!(
            doc["paths"]["/api/v1/nodes/{name}"]["get"]["x-kubernetes-action"],
            "get"
        );
        let comps = &doc["components"]["schemas"];
        for name in [
            "io.k8s.api.core.v1.Pod",
            "io.k8s.api.core.v1.PodSpec",
            "io.k8s.api.core.v1.Container",
            "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        ] {
            assert!(comps.get(name).is_some(), "{name} missing");
        }
        // A $ref with its own description became allOf + description, as in v3 documents.
        let meta = &comps["io.k8s.api.core.v1.Pod"]["properties"]["metadata"];
        assert_eq!(
            meta["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
        );
        assert!(document(s, 37, "apis/nope/v1").is_none());
        assert!(document(s, 37, "nonsense").is_none());
    }
}

//! Paths that are not resources: health checks, `/version`, discovery (`/api`, `/apis`) and the
//! OpenAPI v3 documents.
//! See <https://kubernetes.io/docs/concepts/overview/kubernetes-api/#discovery-api>.

use serde_json::{json, Map, Value};

use super::super::Answer;
use crate::sim::cluster::Cluster;
use crate::sim::discovery;
use crate::sim::openapi;
use crate::sim::request::RequestInfo;
use crate::sim::response::ApiError;

/// The 503 message while the page has not yet fetched the OpenAPI schemas.
const OPENAPI_LOADING: &str =
    "the OpenAPI documents are still loading in this page; try again in a moment";

impl Cluster {
    pub(crate) fn non_resource(&self, info: &RequestInfo) -> Answer {
        let path = info.path.trim_end_matches('/');
        match (info.verb.as_str(), path) {
            ("get", "/healthz" | "/livez" | "/readyz") => Ok((200, Value::String("ok".into()))),
            ("get", "/version") => Ok((
                200,
                json!({
                "major": "1", "minor": self.control_plane.minor.to_string(),
                "gitVersion": format!("v1.{}.0", self.control_plane.minor),
                "platform": "linux/amd64"}),
            )),
            ("get", "/api") => Ok((
                200,
                json!({"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "192.168.56.10:6443"}]}),
            )),
            ("get", "/apis") => {
                let groups: Vec<Value> = discovery::groups(self.control_plane.minor)
                    .into_iter()
                    .filter(|(g, _)| !g.is_empty())
                    .map(|(g, versions)| {
                        let vs: Vec<Value> = versions
                            .iter()
                            .map(|v| json!({"groupVersion": format!("{g}/{v}"), "version": v}))
                            .collect();
                        let preferred = vs.first().cloned().unwrap_or(Value::Null);
                        json!({"name": g, "versions": vs, "preferredVersion": preferred})
                    })
                    .collect();
                Ok((
                    200,
                    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
                ))
            }
            ("get", "/api/v1") => Ok((200, resource_list(self.control_plane.minor, "", "v1"))),
            ("get", p) if p.starts_with("/apis/") => {
                let parts: Vec<&str> = p.trim_start_matches("/apis/").split('/').collect();
                let minor = self.control_plane.minor;
                let groups = discovery::groups(minor);
                let Some((group, versions)) =
                    groups.iter().find(|(g, _)| !g.is_empty() && *g == parts[0])
                else {
                    return Err(ApiError::page_not_found());
                };
                match parts.get(1) {
                    None => {
                        let vs: Vec<Value> = versions
                            .iter()
                            .map(|v| json!({"groupVersion": format!("{group}/{v}"), "version": v}))
                            .collect();
                        let preferred = vs.first().cloned().unwrap_or(Value::Null);
                        Ok((
                            200,
                            json!({"kind": "APIGroup", "apiVersion": "v1", "name": group, "versions": vs, "preferredVersion": preferred}),
                        ))
                    }
                    Some(v) if versions.contains(v) && parts.len() == 2 => {
                        Ok((200, resource_list(minor, group, v)))
                    }
                    _ => Err(ApiError::page_not_found()),
                }
            }
            ("get", "/openapi/v3") => match openapi::schemas() {
                Some(_) => Ok((200, openapi::index(self.control_plane.minor))),
                None => Err(ApiError::service_unavailable(OPENAPI_LOADING)),
            },
            ("get", p) if p.starts_with("/openapi/v3/") => {
                let Some(schemas) = openapi::schemas() else {
                    return Err(ApiError::service_unavailable(OPENAPI_LOADING));
                };
                let gv = p.trim_start_matches("/openapi/v3/");
                openapi::document(schemas, self.control_plane.minor, gv)
                    .map(|doc| (200, doc))
                    .ok_or_else(ApiError::page_not_found)
            }
            _ => Err(ApiError::page_not_found()),
        }
    }
}

/// The `APIResourceList` of one group/version, as discovery serves it.
pub(crate) fn resource_list(minor: u32, group: &str, version: &str) -> Value {
    let resources: Vec<Value> = discovery::resources(minor)
        .filter(|r| r.group == group && r.version == version)
        .map(|r| {
            let mut m = Map::new();
            m.insert("name".into(), json!(r.name));
            m.insert(
                "singularName".into(),
                json!(if r.name.contains('/') { "" } else { r.singular }),
            );
            m.insert("namespaced".into(), json!(r.namespaced));
            let (g, v) = r.response_group_version();
            if (g, v) != (r.group, r.version) {
                m.insert("group".into(), json!(g));
                m.insert("version".into(), json!(v));
            }
            m.insert("kind".into(), json!(r.kind));
            m.insert("verbs".into(), json!(r.verbs));
            if !r.short_names.is_empty() {
                m.insert("shortNames".into(), json!(r.short_names));
            }
            if !r.categories.is_empty() {
                m.insert("categories".into(), json!(r.categories));
            }
            Value::Object(m)
        })
        .collect();
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources})
}

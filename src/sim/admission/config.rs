//! `--admission-control-config-file`: the AdmissionConfiguration that gives plugins their
//! configuration (`k8s.io/apiserver/pkg/admission/config.go`), read once at boot. Each entry
//! names a plugin and carries its `configuration` inline or a `path` to another file
//! (relative paths are read next to the AdmissionConfiguration).
//! See <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/>.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::sim::controlplane::ControlPlane;
use crate::sim::yaml::{self, Node, NodeKind, Pos};

/// A problem with the configuration: where (in the workspace) and what kube-apiserver says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub pos: Pos,
    pub message: String,
}

/// One plugin's configuration: its JSON, and where each of its fields is in the workspace.
#[derive(Debug, Clone, Default)]
pub struct PluginConfig {
    pub value: Value,
    /// The configuration document, for positions.
    pub node: Option<Node>,
    /// The file it came from (for positions).
    pub file: String,
}

/// Every plugin's configuration from the file, by plugin name.
#[derive(Debug, Clone, Default)]
pub struct Configs {
    pub plugins: BTreeMap<String, PluginConfig>,
}

const FLAG: &str = "admission-control-config-file";

/// Reads `--admission-control-config-file` (nothing when the flag is absent).
pub fn read(cp: &ControlPlane) -> Result<Configs, Vec<ConfigError>> {
    let Some(path) = cp.arg(FLAG).filter(|p| !p.is_empty()) else {
        return Ok(Configs::default());
    };
    let flag_pos = cp.arg_pos.get(FLAG).copied().unwrap_or_default();
    let fail = |pos: Pos, message: String| Err(vec![ConfigError { pos, message }]);
    let Some(text) = cp.files.get(path) else {
        return fail(
            flag_pos,
            format!("failed to read plugin config: unable to read admission control configuration from \"{path}\" [open {path}: no such file or directory]"),
        );
    };
    let at = |pos: Pos| cp.file_line_pos(path, FLAG, pos.line, pos.column);
    let docs = match yaml::parse_stream(text) {
        Ok(d) => d,
        Err(e) => return fail(at(e.pos), format!("{path}: {}", e.message)),
    };
    let Some(root) = docs.into_iter().next().map(|d| d.root) else {
        return fail(flag_pos, format!("{path}: Object 'Kind' is missing in ''"));
    };
    let api_version = root.get("apiVersion").and_then(Node::as_str).unwrap_or("");
    let kind = root.get("kind").and_then(Node::as_str).unwrap_or("");
    let served = if cp.minor >= 17 {
        &["apiserver.config.k8s.io/v1", "apiserver.k8s.io/v1alpha1"][..]
    } else {
        &["apiserver.k8s.io/v1alpha1"][..]
    };
    if kind.is_empty() {
        return fail(at(root.pos), format!("{path}: Object 'Kind' is missing"));
    }
    if !served.contains(&api_version) || kind != "AdmissionConfiguration" {
        return fail(
            at(root.pos),
            format!("{path}: no kind \"{kind}\" is registered for version \"{api_version}\" (kubegate reads kind AdmissionConfiguration, apiVersion {})", served.join(" or ")),
        );
    }
    let mut errors = Vec::new();
    if let NodeKind::Map(entries) = &root.kind {
        for (k, _) in entries {
            let k = k.as_str().unwrap_or("");
            if !matches!(k, "apiVersion" | "kind" | "plugins") {
                errors.push(ConfigError {
                    pos: at(entries_pos(entries, k)),
                    message: format!("{path}: strict decoding error: unknown field \"{k}\""),
                });
            }
        }
    }
    let mut configs = Configs::default();
    let items = match root.get("plugins").map(|n| &n.kind) {
        Some(NodeKind::Seq(items)) => items.clone(),
        _ => Vec::new(),
    };
    for (i, item) in items.iter().enumerate() {
        let name = item
            .get("name")
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_string();
        if let NodeKind::Map(entries) = &item.kind {
            for (k, _) in entries {
                let k = k.as_str().unwrap_or("");
                if !matches!(k, "name" | "path" | "configuration") {
                    errors.push(ConfigError {
                        pos: at(entries_pos(entries, k)),
                        message: format!(
                            "{path}: strict decoding error: unknown field \"plugins[{i}].{k}\""
                        ),
                    });
                }
            }
        }
        let config = if let Some(inline) = item.get("configuration") {
            PluginConfig {
                value: inline.to_json(),
                node: Some(inline.clone()),
                file: path.to_string(),
            }
        } else if let Some(p) = item.get("path").and_then(Node::as_str) {
            // A relative path is read next to the AdmissionConfiguration.
            let full = if p.starts_with('/') {
                p.to_string()
            } else {
                let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
                format!("{dir}/{p}")
            };
            let Some(text) = cp.files.get(&full) else {
                errors.push(ConfigError {
                    pos: at(item.pos),
                    message: format!("Couldn't open admission plugin configuration {full}: open {full}: no such file or directory"),
                });
                continue;
            };
            match yaml::parse_stream(text) {
                Ok(docs) => match docs.into_iter().next() {
                    Some(d) => PluginConfig {
                        value: d.root.to_json(),
                        node: Some(d.root),
                        file: full,
                    },
                    None => PluginConfig {
                        file: full,
                        ..PluginConfig::default()
                    },
                },
                Err(e) => {
                    errors.push(ConfigError {
                        pos: cp.file_line_pos(&full, FLAG, e.pos.line, e.pos.column),
                        message: format!("{full}: {}", e.message),
                    });
                    continue;
                }
            }
        } else {
            PluginConfig::default()
        };
        configs.plugins.insert(name, config);
    }
    if errors.is_empty() {
        Ok(configs)
    } else {
        Err(errors)
    }
}

/// Where the key `k` of a mapping is.
fn entries_pos(entries: &[(Node, Node)], k: &str) -> Pos {
    entries
        .iter()
        .find(|(key, _)| key.as_str() == Some(k))
        .map(|(key, _)| key.pos)
        .unwrap_or_default()
}

impl PluginConfig {
    /// Where a field of the configuration is, for a diagnostic (the document when the field
    /// cannot be found).
    pub fn pos_of(&self, cp: &ControlPlane, path: &[&str]) -> Pos {
        let mut node = self.node.as_ref();
        let mut best = node.map(|n| n.pos).unwrap_or_default();
        for key in path {
            node = node.and_then(|n| match (&n.kind, key.parse::<usize>()) {
                (NodeKind::Seq(items), Ok(i)) => items.get(i),
                _ => n.get(key),
            });
            if let Some(n) = node {
                best = n.pos;
            }
        }
        cp.file_line_pos(&self.file, FLAG, best.line, best.column)
    }
}

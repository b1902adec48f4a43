//! `kubectl label` and `kubectl annotate`: read the object, change its labels or annotations,
//! and send the difference as a JSON merge patch, as kubectl v1.37 does.
//! See <https://kubernetes.io/docs/reference/kubectl/generated/kubectl_label/>.

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Map, Value};

use super::args::{flag, Arity, Flag};
use super::{printers, selector_query, tail, Cmd, Kubectl};
use crate::sim::patch::create_merge_patch;

/// Flags of `kubectl label` and `kubectl annotate` besides the global ones.
pub const FLAGS: &[Flag] = &[
    flag("overwrite", None, Arity::Bool),
    flag("all", None, Arity::Bool),
    flag("all-namespaces", Some('A'), Arity::Bool),
    flag("selector", Some('l'), Arity::Value),
    flag("list", None, Arity::Bool),
    flag("dry-run", None, Arity::Optional),
    flag("output", Some('o'), Arity::Value),
    flag("resource-version", None, Arity::Value),
    flag("field-manager", None, Arity::Value),
];

const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/// Whether a label value is valid (empty, or up to 63 of `[-A-Za-z0-9_.]` starting and ending
/// alphanumeric).
pub fn valid_label_value(v: &str) -> bool {
    v.is_empty()
        || (v.len() <= 63
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && v.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && v.chars().last().is_some_and(|c| c.is_ascii_alphanumeric()))
}

impl Kubectl<'_, '_> {
    /// Runs `kubectl label` (`annotations` false) or `kubectl annotate` (true).
    pub(super) fn label(&mut self, c: Cmd, annotations: bool) {
        let (noun, field, done, undone) = if annotations {
            ("annotation", "annotations", "annotated", "annotated")
        } else {
            ("label", "labels", "labeled", "unlabeled")
        };
        let args = tail(&c.p.args, 1);
        let mut targets: Vec<String> = Vec::new();
        let mut set: Vec<(String, String)> = Vec::new();
        let mut remove: Vec<String> = Vec::new();
        for a in args {
            if let Some((k, v)) = a.split_once('=') {
                if !annotations && !valid_label_value(v) {
                    return self.err(&format!(
                        "error: invalid label value: \"{a}\": {LABEL_VALUE_MSG}"
                    ));
                }
                set.push((k.to_string(), v.to_string()));
            } else if let Some(k) = a
                .strip_suffix('-')
                .filter(|k| !k.is_empty() && !targets.is_empty())
            {
                remove.push(k.to_string());
            } else {
                targets.push(a.clone());
            }
        }
        if c.p.is("list") {
            set.clear();
        } else if set.is_empty() && remove.is_empty() {
            return self.err(&format!("error: at least one {noun} update is required"));
        }
        let both: Vec<&str> = set
            .iter()
            .filter(|(k, _)| remove.contains(k))
            .map(|(k, _)| k.as_str())
            .collect();
        if !both.is_empty() {
            return self.err(&format!(
                "error: can not both modify and remove the following {noun}(s) in the same command: {}",
                both.join(", ")
            ));
        }
        let Some(typed) = targets.first().cloned() else {
            return self.err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>");
        };
        let (typed, inline) = match typed.split_once('/') {
            Some((t, n)) => (t.to_string(), Some(n.to_string())),
            None => (typed, None),
        };
        let Some(res) = self.resolve_type(&typed) else {
            return;
        };
        let mut names: Vec<String> = inline
            .into_iter()
            .chain(targets[1..].iter().cloned())
            .collect();
        let selector = super::selector_flag(&c.p, "selector");
        if selector.is_some() && !names.is_empty() {
            return self.err("error: name cannot be provided when a selector is specified");
        }
        let ns = if res.namespaced {
            Some(c.cfg.namespace.as_str())
        } else {
            None
        };
        if names.is_empty() {
            if !c.p.is("all") && selector.is_none() {
                return self.err("error: resource(s) were provided, but no name was specified");
            }
            let mut url = Self::url(res, ns, None);
            if let Some(sel) = &selector {
                url.push_str(&selector_query(sel));
            }
            match self.send(&c.cfg, "GET", &url, None) {
                Ok((200, list)) => {
                    names = list
                        .get("items")
                        .and_then(Value::as_array)
                        .map(|items| {
                            items
                                .iter()
                                .filter_map(|o| o.ptr("/metadata/name").and_then(Value::as_str))
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default()
                }
                Ok((code, mut status)) => {
                    let label = selector.as_deref().unwrap_or("");
                    super::enhance_list_error(code, &mut status, res, label, "");
                    return self.err(&printers::error_text(&status));
                }
                Err(e) => return self.err(&e),
            }
        }
        let dry = c.p.get("dry-run").unwrap_or("none").to_string();
        let suffix = match dry.as_str() {
            "client" => " (dry run)",
            "server" => " (server dry run)",
            _ => "",
        };
        for name in names {
            let url = Self::url(res, ns, Some(&name));
            let current = match self.send(&c.cfg, "GET", &url, None) {
                Ok((200, obj)) => obj,
                Ok((_, status)) => {
                    self.err(&printers::error_text(&status));
                    continue;
                }
                Err(e) => return self.err(&e),
            };
            let existing: Map<String, Value> = current
                .ptr(&format!("/metadata/{field}"))
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            if c.p.is("list") {
                let mut pairs: Vec<String> = existing
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                    .collect();
                crate::sim::sort::natural(&mut pairs);
                for p in pairs {
                    self.print(&p);
                }
                continue;
            }
            if !c.p.is("overwrite") {
                for (k, v) in &set {
                    if let Some(old) = existing.get(k).and_then(Value::as_str) {
                        if old != v {
                            return self.err(&format!(
                                "error: '{k}' already has a value ({old}), and --overwrite is false"
                            ));
                        }
                    }
                }
            }
            let mut updated = existing.clone();
            for (k, v) in &set {
                updated.insert(k.clone(), json!(v));
            }
            for k in &remove {
                if updated.remove(k).is_none() && !annotations {
                    self.print(&format!("{noun} \"{k}\" not found."));
                }
            }
            let shown = format!("{}/{name}", printers::kind_group(res));
            let verb = if set.is_empty() && !remove.is_empty() {
                undone
            } else {
                done
            };
            let mut after = current.clone();
            after["metadata"][field] = Value::Object(updated.clone());
            let patch = create_merge_patch(&current, &after);
            let changed = patch.as_object().is_some_and(|m| !m.is_empty());
            if !changed && !annotations {
                self.print(&format!("{shown} not {done}"));
                continue;
            }
            let result = if dry == "client" {
                after
            } else {
                let mut patch_url = url.clone();
                if dry == "server" {
                    patch_url.push_str("?dryRun=All");
                }
                match self.send_patch(&c.cfg, &patch_url, &patch) {
                    Ok((200, obj)) => obj,
                    Ok((_, status)) => {
                        self.err(&printers::error_text(&status));
                        continue;
                    }
                    Err(e) => return self.err(&e),
                }
            };
            let output = c.p.get("output").unwrap_or("");
            if !self.print_object(output, &result) {
                match output {
                    "name" => self.print(&shown),
                    _ => self.print(&format!("{shown} {verb}{suffix}")),
                }
            }
        }
    }
}

//! `kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]`: read the object, send
//! the patch, say whether it changed anything — as kubectl v1.37 does.
//! See <https://kubernetes.io/docs/reference/kubectl/generated/kubectl_patch/>.

use serde_json::Value;

use super::args::{flag, Arity, Flag};
use super::{printers, tail, Cmd, Kubectl};
use crate::sim::{patch, yaml};

/// Flags of `kubectl patch` besides the global ones.
pub const FLAGS: &[Flag] = &[
    flag("patch", Some('p'), Arity::Value),
    flag("patch-file", None, Arity::Value),
    flag("type", None, Arity::Value),
    flag("dry-run", None, Arity::Optional),
    flag("output", Some('o'), Arity::Value),
    flag("field-manager", None, Arity::Value),
    flag("subresource", None, Arity::Value),
    flag("local", None, Arity::Bool),
    flag("filename", Some('f'), Arity::Value),
];

impl Kubectl<'_, '_> {
    pub(super) fn patch(&mut self, c: Cmd) {
        let text = match (c.p.get("patch"), c.p.get("patch-file")) {
            (Some(p), _) if !p.is_empty() => p.to_string(),
            (_, Some(path)) if !path.is_empty() => {
                let full = if path.starts_with('/') {
                    path.to_string()
                } else {
                    format!("{}/{path}", self.env.cwd)
                };
                match self.env.files.get(&full) {
                    Some(t) => t.clone(),
                    None => {
                        return self.err(&format!(
                        "error: unable to read patch file: open {path}: no such file or directory"
                    ))
                    }
                }
            }
            _ => return self.err(
                "error: must specify --patch or --patch-file containing the contents of the patch",
            ),
        };
        let kind = c.p.get("type").unwrap_or("strategic");
        let content_type = match kind {
            "strategic" => "application/strategic-merge-patch+json",
            "merge" => "application/merge-patch+json",
            "json" => "application/json-patch+json",
            other => {
                return self.err(&format!(
                    "error: --type must be one of [json merge strategic], not \"{other}\""
                ))
            }
        };
        let dry = c.p.get("dry-run").unwrap_or("none").to_string();
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
        // A patch that looks like JSON goes out as typed; anything else is YAML, turned
        // into JSON first (k8s.io/apimachinery's yaml.ToJSON).
        let body = if text.trim_start().starts_with('{') {
            text.clone()
        } else {
            match yaml::parse_stream(&text) {
                Ok(docs) => docs
                    .into_iter()
                    .find(|d| !d.empty)
                    .map(|d| d.root.to_json())
                    .unwrap_or(Value::Null)
                    .to_string(),
                Err(e) => {
                    return self.err(&format!(
                        "error: unable to parse \"{text}\": yaml: line {}: {}",
                        e.pos.line, e.message
                    ))
                }
            }
        };
        let ns = res.namespaced.then_some(c.cfg.namespace.as_str());
        let url = Self::url(res, ns, Some(&name));
        let current = match self.send(&c.cfg, "GET", &url, None) {
            Ok((200, obj)) => obj,
            Ok((_, status)) => return self.err(&printers::error_text(&status)),
            Err(e) => return self.err(&e),
        };
        let patched = if dry == "client" {
            let parsed: Value = match serde_json::from_str(&body) {
                Ok(v) => v,
                Err(e) => return self.err(&format!("error: {e}")),
            };
            let applied = match kind {
                "json" => patch::json_patch(&current, &parsed).map_err(|e| e.to_string()),
                "merge" => Ok(patch::merge(&current, &parsed)),
                _ => patch::strategic(&current, &parsed).map_err(|e| e.to_string()),
            };
            match applied {
                Ok(v) => v,
                Err(e) => return self.err(&format!("error: {e}")),
            }
        } else {
            let manager = c.p.get("field-manager").unwrap_or("kubectl-patch");
            let patch_url = format!(
                "{url}{}",
                super::write_query(dry == "server", manager, false)
            );
            match self.send_text(&c.cfg, "PATCH", &patch_url, Some(body), content_type) {
                Ok((200, obj)) => obj,
                Ok((_, status)) => return self.err(&printers::error_text(&status)),
                Err(e) => return self.err(&e),
            }
        };
        let output = c.p.get("output").unwrap_or("");
        if self.print_object(output, &patched) {
            return;
        }
        let shown = format!("{}/{name}", printers::kind_group(res));
        if output == "name" {
            return self.print(&shown);
        }
        // kubectl patch says the same with or without --dry-run.
        if patched == current {
            self.print(&format!("{shown} patched (no change)"));
        } else {
            self.print(&format!("{shown} patched"));
        }
    }
}

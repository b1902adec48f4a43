//! The workspace's table of contents: each document (the kubeconfig, the ControlPlane, each
//! cluster object) and each file the ControlPlane carries (`/root/pod.yaml`), with the line it
//! starts on, so the page can list them and jump to one. A line scan, not a parse: it works on
//! a workspace with errors and takes one pass over a 10 MB text.

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Part {
    /// A kubeconfig (`kind: Config`).
    Kubeconfig,
    /// The ControlPlane document.
    ControlPlane,
    /// A file of the ControlPlane (`spec.files`).
    File,
    /// A cluster object.
    Object,
}

/// One document or file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub part: Part,
    /// Its first line, from 1 (the `kind:` line's document start, or the file's key).
    pub line: usize,
    /// `kind`, or the file's path for a file.
    pub kind: String,
    /// `metadata.name` (empty for a file or when missing).
    pub name: String,
    /// `metadata.namespace` (empty when missing).
    pub namespace: String,
}

impl Entry {
    /// How the page labels it: `Role blue/developer`, `/root/pod.yaml`.
    pub fn label(&self) -> String {
        match (self.part, self.namespace.is_empty(), self.name.is_empty()) {
            (Part::File, ..) | (_, _, true) => self.kind.clone(),
            (_, true, false) => format!("{} {}", self.kind, self.name),
            (_, false, false) => format!("{} {}/{}", self.kind, self.namespace, self.name),
        }
    }
}

/// The entries of a YAML workspace, in text order. JSON documents and documents without a
/// top-level `kind` are left out.
pub fn outline(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut doc = Doc::default();
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        let bare = line.trim_end();
        if bare == "---" || bare.starts_with("--- ") {
            doc.finish(&mut out);
            doc = Doc::default();
            continue;
        }
        let trimmed = bare.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if doc.start == 0 {
            doc.start = number;
        }
        let indent = bare.len() - trimmed.len();
        if indent == 0 {
            doc.section = Section::None;
            if let Some(v) = value_of(trimmed, "kind") {
                // The first one counts (a second is an error the parser reports).
                if doc.kind.is_empty() {
                    doc.kind = v;
                }
            } else if trimmed.starts_with("metadata:") {
                doc.section = Section::Metadata;
            } else if trimmed.starts_with("spec:") {
                doc.section = Section::Spec;
            }
            continue;
        }
        match doc.section {
            Section::Metadata if indent == 2 => {
                if let Some(v) = value_of(trimmed, "name") {
                    doc.name = v;
                } else if let Some(v) = value_of(trimmed, "namespace") {
                    doc.namespace = v;
                }
            }
            Section::Spec if indent == 2 && trimmed.starts_with("files:") => {
                doc.section = Section::Files;
            }
            Section::Files if indent == 2 => doc.section = Section::Spec,
            Section::Files if indent == 4 => {
                if let Some((key, _)) = trimmed.split_once(':') {
                    let key = unquote(key.trim());
                    if !key.is_empty() && !key.starts_with('-') {
                        doc.files.push((number, key.to_string()));
                    }
                }
            }
            _ => {}
        }
    }
    doc.finish(&mut out);
    out
}

#[derive(Default, PartialEq, Clone, Copy)]
enum Section {
    #[default]
    None,
    Metadata,
    Spec,
    Files,
}

#[derive(Default)]
struct Doc {
    start: usize,
    kind: String,
    name: String,
    namespace: String,
    section: Section,
    files: Vec<(usize, String)>,
}

impl Doc {
    fn finish(&mut self, out: &mut Vec<Entry>) {
        if self.kind.is_empty() {
            return;
        }
        let part = match self.kind.as_str() {
            "Config" => Part::Kubeconfig,
            "ControlPlane" => Part::ControlPlane,
            _ => Part::Object,
        };
        out.push(Entry {
            part,
            line: self.start,
            kind: std::mem::take(&mut self.kind),
            name: std::mem::take(&mut self.name),
            namespace: std::mem::take(&mut self.namespace),
        });
        if part == Part::ControlPlane {
            for (line, path) in self.files.drain(..) {
                out.push(Entry {
                    part: Part::File,
                    line,
                    kind: path,
                    name: String::new(),
                    namespace: String::new(),
                });
            }
        }
    }
}

/// The scalar after `key:` on a line (`kind: Role  # x` → `Role`).
fn value_of(line: &str, key: &str) -> Option<String> {
    let rest = line.strip_prefix(key)?.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let rest = rest.trim();
    // A quoted scalar ends at its closing quote; a plain one at a comment.
    if let Some(q) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) {
        if let Some(end) = rest[1..].find(q) {
            return Some(rest[1..1 + end].to_string());
        }
    }
    let rest = rest.find(" #").map_or(rest, |at| rest[..at].trim_end());
    Some(rest.to_string())
}

fn unquote(s: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_workspace_lists_its_documents_and_files() {
        let text = include_str!("../../static/workspaces/default.yaml");
        let labels: Vec<(Part, String)> =
            outline(text).iter().map(|e| (e.part, e.label())).collect();
        let want = [
            (Part::Kubeconfig, "Config"),
            (Part::ControlPlane, "ControlPlane"),
            (Part::File, "/etc/kubernetes/tokens.csv"),
            (Part::File, "/root/config"),
            (Part::File, "/root/pod.yaml"),
            (Part::Object, "Namespace blue"),
            (Part::Object, "Role blue/developer"),
            (Part::Object, "RoleBinding blue/dev-user-developer-binding"),
            (Part::Object, "Pod blue/orange"),
        ];
        assert_eq!(
            labels[..want.len()]
                .iter()
                .map(|(p, l)| (*p, l.as_str()))
                .collect::<Vec<_>>(),
            want
        );
        // Each entry's line is where its document (or file key) is.
        let lines: Vec<&str> = text.lines().collect();
        for e in outline(text) {
            let at = lines[e.line - 1];
            match e.part {
                Part::File => assert!(at.trim_start().starts_with(&e.kind), "{at}"),
                _ => assert!(!at.starts_with('#') && !at.trim().is_empty(), "{at}"),
            }
        }
    }

    #[test]
    fn nested_names_quotes_comments_and_broken_documents() {
        let text = "\
# leading comment
apiVersion: v1
kind: 'Pod'   # a comment
metadata:
  labels:
    name: not-this
  name: \"web\"
  namespace: blue # here
spec:
  containers:
  - name: nope
---
just: text
---
kind: [broken
---
{\"kind\": \"Secret\"}
";
        let e = outline(text);
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!(e[0].label(), "Pod blue/web");
        assert_eq!(e[0].line, 2);
        assert_eq!(e[1].kind, "[broken");
        assert_eq!(e[1].line, 15);
    }
}

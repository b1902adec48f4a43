//! Completion for the command bar, as kubectl's shell completion offers it: subcommands, flags,
//! resource types (names, singular names and short names the cluster's version serves),
//! namespaces, contexts, output formats, the files kubectl can read, and the names of the
//! objects in the cluster. It completes the last word of the last line.

use super::args::Arity;
use super::{Flag, GET, GLOBAL};
use crate::sim::discovery;
use crate::sim::session::Session;
use crate::sim::store::name_of;

/// What may replace the word being typed.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Completion {
    /// Where the word starts (a byte offset into the text given).
    pub start: usize,
    /// The candidates, sorted, without duplicates.
    pub candidates: Vec<String>,
}

const SUBCOMMANDS: &[&str] = &[
    "access-matrix",
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "auth",
    "certificate",
    "config",
    "create",
    "delete",
    "describe",
    "explain",
    "expose",
    "get",
    "label",
    "patch",
    "run",
    "version",
    "who-can",
];

const CONFIG: &[&str] = &[
    "current-context",
    "delete-cluster",
    "delete-context",
    "delete-user",
    "get-clusters",
    "get-contexts",
    "get-users",
    "rename-context",
    "set",
    "set-cluster",
    "set-context",
    "set-credentials",
    "unset",
    "use-context",
    "view",
];

const CREATE: &[&str] = &[
    "clusterrole",
    "clusterrolebinding",
    "configmap",
    "deployment",
    "namespace",
    "role",
    "rolebinding",
    "secret",
    "service",
    "serviceaccount",
    "token",
];

const VERBS: &[&str] = &[
    "*",
    "create",
    "delete",
    "deletecollection",
    "get",
    "impersonate",
    "list",
    "patch",
    "update",
    "watch",
];

const OUTPUTS: &[&str] = &[
    "custom-columns=",
    "go-template=",
    "json",
    "jsonpath=",
    "name",
    "wide",
    "yaml",
];

/// Flags of the subcommands, besides the global ones (long names).
fn command_flags(command: &str) -> &'static [Flag] {
    match command {
        "get" => GET,
        "create" | "apply" => super::CREATE,
        "delete" => super::DELETE,
        "run" => super::RUN,
        "describe" => super::describe::FLAGS,
        "label" | "annotate" => super::label::FLAGS,
        "patch" => super::patchcmd::FLAGS,
        "expose" => super::expose::FLAGS,
        "config" => super::config::FLAGS,
        "explain" => super::EXPLAIN,
        "who-can" => super::access::WHO_CAN,
        "access-matrix" => super::access::ACCESS_MATRIX,
        "api-resources" => super::API_RESOURCES,
        _ => &[],
    }
}

fn find_flag<'f>(flags: &'f [Flag], word: &str) -> Option<&'f Flag> {
    if let Some(long) = word.strip_prefix("--") {
        flags.iter().find(|f| f.long == long)
    } else {
        let mut chars = word.strip_prefix('-')?.chars();
        let c = chars.next()?;
        if chars.next().is_some() {
            return None;
        }
        flags.iter().find(|f| f.short == Some(c))
    }
}

/// Where the last word of `text` starts: after its last whitespace, which may be more than one
/// byte (a no-break or ideographic space pasted in).
pub fn word_start(text: &str) -> usize {
    text.char_indices()
        .rfind(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// The candidates for the last word of `text`.
pub fn complete(session: Option<&Session>, text: &str) -> Completion {
    let line_start = text.rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let start = line_start + word_start(line);
    let partial = &text[start..];
    let words: Vec<&str> = text[line_start..start].split_whitespace().collect();
    let mut out = candidates(session, &words, partial);
    out.retain(|c| c.starts_with(partial) && c != partial);
    out.sort();
    out.dedup();
    Completion {
        start,
        candidates: out,
    }
}

fn candidates(session: Option<&Session>, words: &[&str], partial: &str) -> Vec<String> {
    let owned = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let Some((&first, rest)) = words.split_first() else {
        return vec!["kubectl".into()];
    };
    if first != "kubectl" {
        return Vec::new();
    }
    // Walk the words: flags (and the values they take) apart from the positional ones.
    let mut positional: Vec<&str> = Vec::new();
    let mut namespace: Option<&str> = None;
    let mut context: Option<&str> = None;
    let mut waiting: Option<&str> = None; // a flag whose value is the next word
    for w in rest {
        if let Some(flag) = waiting.take() {
            match flag {
                "namespace" => namespace = Some(w),
                "context" => context = Some(w),
                _ => {}
            }
            continue;
        }
        if w.starts_with('-') && *w != "-" {
            let (name, value) = w.split_once('=').map_or((*w, None), |(n, v)| (n, Some(v)));
            let command = positional.first().copied().unwrap_or("");
            let flags: Vec<Flag> = GLOBAL
                .iter()
                .chain(command_flags(command))
                .copied()
                .collect();
            if let Some(f) = find_flag(&flags, name) {
                match (f.long, value) {
                    ("namespace", Some(v)) => namespace = Some(v),
                    ("context", Some(v)) => context = Some(v),
                    (long, None) if f.arity == Arity::Value => waiting = Some(long),
                    _ => {}
                }
            }
            continue;
        }
        positional.push(w);
    }
    let command = positional.first().copied().unwrap_or("");
    let minor = session.map(|s| s.cluster.control_plane.minor);
    // The value of a flag.
    if let Some(flag) = waiting {
        return match flag {
            "namespace" => names(session, "", "namespaces", None),
            "context" => session.map_or_else(Vec::new, |s| {
                s.kubeconfig
                    .contexts
                    .iter()
                    .map(|c| c.name.clone())
                    .collect()
            }),
            "output" => owned(OUTPUTS),
            "filename" => session.map_or_else(Vec::new, |s| {
                s.cluster
                    .control_plane
                    .files
                    .keys()
                    .filter_map(|p| p.strip_prefix("/root/"))
                    .map(str::to_string)
                    .collect()
            }),
            _ => Vec::new(),
        };
    }
    if partial.starts_with('-') {
        return GLOBAL
            .iter()
            .chain(command_flags(command))
            .flat_map(|f| {
                let long = format!("--{}", f.long);
                let short = f.short.map(|c| format!("-{c}"));
                std::iter::once(long).chain(short)
            })
            .collect();
    }
    if positional.is_empty() {
        return owned(SUBCOMMANDS);
    }
    // Which namespace names are looked up in: -n, else the context's, else default.
    let ns = namespace
        .map(str::to_string)
        .or_else(|| {
            let s = session?;
            let ctx = context.unwrap_or(&s.kubeconfig.current_context);
            s.kubeconfig
                .contexts
                .iter()
                .find(|c| c.name == ctx)
                .map(|c| c.context.namespace.clone())
                .filter(|n| !n.is_empty())
        })
        .unwrap_or_else(|| "default".into());
    let args = &positional[1..];
    let types = || -> Vec<String> {
        let Some(minor) = minor else {
            return Vec::new();
        };
        discovery::resources(minor)
            .filter(|r| !r.name.contains('/'))
            .flat_map(|r| {
                std::iter::once(r.name)
                    .chain((!r.singular.is_empty()).then_some(r.singular))
                    .chain(r.short_names.iter().copied())
                    .map(str::to_string)
            })
            .collect()
    };
    // `TYPE NAME`, or `TYPE/NAME` in one word.
    let objects = |ty: &str| -> Vec<String> {
        let Some(minor) = minor else {
            return Vec::new();
        };
        let Some(r) = discovery::resources_for(minor, ty).into_iter().next() else {
            return Vec::new();
        };
        names(
            session,
            r.group,
            r.name,
            r.namespaced.then_some(ns.as_str()),
        )
    };
    let typed_names = |partial: &str| -> Option<Vec<String>> {
        let (ty, _) = partial.split_once('/')?;
        Some(
            objects(ty)
                .into_iter()
                .map(|n| format!("{ty}/{n}"))
                .collect(),
        )
    };
    match (command, args) {
        ("get" | "describe" | "delete" | "label" | "annotate" | "patch" | "explain", []) => {
            typed_names(partial).unwrap_or_else(types)
        }
        ("get" | "describe" | "delete" | "label" | "annotate" | "patch", [ty, ..])
            if !ty.contains('/') =>
        {
            objects(ty)
        }
        ("auth", []) => owned(&["can-i", "whoami"]),
        ("auth", ["can-i"]) | ("who-can", []) => owned(VERBS),
        ("auth", ["can-i", _]) | ("who-can", [_]) => typed_names(partial).unwrap_or_else(types),
        ("config", []) => owned(CONFIG),
        ("config", ["use-context" | "delete-context" | "rename-context" | "set-context"]) => {
            session.map_or_else(Vec::new, |s| {
                s.kubeconfig
                    .contexts
                    .iter()
                    .map(|c| c.name.clone())
                    .collect()
            })
        }
        ("create", []) => owned(CREATE),
        ("certificate", []) => owned(&["approve", "deny"]),
        ("certificate", ["approve" | "deny", ..]) => names(
            session,
            "certificates.k8s.io",
            "certificatesigningrequests",
            None,
        ),
        _ => Vec::new(),
    }
}

/// The names of the objects of a resource (in a namespace, for a namespaced one).
fn names(session: Option<&Session>, group: &str, resource: &str, ns: Option<&str>) -> Vec<String> {
    let Some(s) = session else {
        return Vec::new();
    };
    s.cluster
        .store
        .list(group, resource, ns)
        .map(|o| name_of(o).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session::new(include_str!("../../../static/workspaces/default.yaml")).expect("boots")
    }

    fn done(s: Option<&Session>, text: &str) -> Vec<String> {
        complete(s, text).candidates
    }

    #[test]
    fn commands_flags_types_and_names() {
        let s = session();
        let s = Some(&s);
        assert_eq!(done(s, "kub"), ["kubectl"]);
        assert_eq!(done(s, "kubectl ge"), ["get"]);
        assert_eq!(
            done(s, "kubectl a"),
            [
                "access-matrix",
                "annotate",
                "api-resources",
                "api-versions",
                "apply",
                "auth"
            ]
        );
        assert_eq!(done(s, "kubectl auth c"), ["can-i"]);
        assert_eq!(
            done(s, "kubectl get po"),
            [
                "pod",
                "podcertificaterequest",
                "podcertificaterequests",
                "poddisruptionbudget",
                "poddisruptionbudgets",
                "pods",
                "podtemplate",
                "podtemplates"
            ]
        );
        assert!(done(s, "kubectl get deploy").contains(&"deployments".to_string()));
        // Names: in the context's namespace, or the one given; TYPE/NAME too.
        assert_eq!(done(s, "kubectl get pods -n blue o"), ["orange"]);
        assert_eq!(done(s, "kubectl get pods --namespace=blue "), ["orange"]);
        assert_eq!(
            done(s, "kubectl --context dev get pods "),
            ["orange"],
            "dev's namespace is blue"
        );
        assert_eq!(
            done(s, "kubectl get pods "),
            Vec::<String>::new(),
            "nothing in default"
        );
        assert_eq!(done(s, "kubectl describe -n blue pod/"), ["pod/orange"]);
        assert_eq!(done(s, "kubectl get ns b"), ["blue"]);
        // Flag values.
        assert_eq!(done(s, "kubectl get pods -n b"), ["blue"]);
        assert_eq!(done(s, "kubectl --context d"), ["dev"]);
        assert_eq!(done(s, "kubectl get pods -o y"), ["yaml"]);
        assert_eq!(done(s, "kubectl create -f p"), ["pod.yaml"]);
        // Flags of the command and global ones.
        let flags = done(s, "kubectl get --a");
        assert!(
            flags.contains(&"--all-namespaces".into()) && flags.contains(&"--as".into()),
            "{flags:?}"
        );
        assert!(!done(s, "kubectl run --a").contains(&"--all-namespaces".into()));
        // can-i: verbs then types; the word starts where it should, on the last line.
        assert_eq!(
            done(s, "kubectl auth can-i del"),
            ["delete", "deletecollection"]
        );
        let c = complete(s, "kubectl get ns\nkubectl auth can-i list secr");
        assert_eq!(c.candidates, ["secret", "secrets"]);
        assert_eq!(c.start, "kubectl get ns\nkubectl auth can-i list ".len());
        // Whitespace of more than one byte (no-break, ideographic) separates words too.
        assert_eq!(done(s, "kubectl\u{3000}ge"), ["get"]);
        assert_eq!(
            complete(s, "kubectl get\u{a0}po").start,
            "kubectl get\u{a0}".len()
        );
        // Not kubectl, or nothing left to add.
        assert!(done(s, "echo ").is_empty());
        assert!(done(s, "kubectl get").is_empty(), "already whole");
        // Without a cluster yet: commands and flags, no names.
        assert_eq!(done(None, "kubectl ge"), ["get"]);
        assert!(done(None, "kubectl get pods -n ").is_empty());
    }
}

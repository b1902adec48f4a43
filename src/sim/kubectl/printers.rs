//! kubectl's output: the tab-aligned tables of `kubectl get`, resource names such as
//! `pod/web`, and error text exactly as kubectl renders a `Status`.
//! See <https://kubernetes.io/docs/reference/kubectl/#output-options>.

use crate::sim::ptr::Ptr as _;
use serde_json::Value;

use crate::sim::discovery::ApiResource;

/// Aligns rows as kubectl's tabwriter does (min width 6, padding 3; the last column unpadded).
pub fn tabulate(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i + 1 < row.len() {
                widths[i] = widths[i].max((cell.chars().count() + 3).max(6));
            }
        }
    }
    let mut out = String::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths[i] - cell.chars().count();
                out.push_str(&" ".repeat(pad));
            }
        }
        out.push('\n');
    }
    out
}

/// `kind.group` in lower case, as kubectl names objects (`pod`, `role.rbac.authorization.k8s.io`).
pub fn kind_group(res: &ApiResource) -> String {
    let kind = res.kind.to_lowercase();
    if res.group.is_empty() {
        kind
    } else {
        format!("{kind}.{}", res.group)
    }
}

fn s<'a>(obj: &'a Value, ptr: &str) -> &'a str {
    obj.ptr(ptr).and_then(Value::as_str).unwrap_or("")
}

/// How `kubectl get` decorates the server's Table (its `HumanReadablePrinter`).
#[derive(Debug, Default)]
pub struct TableStyle<'a> {
    /// `-o wide`: columns of every priority, not just 0.
    pub wide: bool,
    /// `-A`: a NAMESPACE column first.
    pub namespace: bool,
    /// `--show-labels`: a LABELS column last.
    pub labels: bool,
    /// `-L key`: one column per label key.
    pub label_columns: &'a [String],
    /// Names shown as `kind/name` (several types requested): the `kind[.group]` prefix.
    pub kind_prefix: Option<&'a str>,
    /// Print the header row (not with `--no-headers`, nor for a second table of one kind).
    pub headers: bool,
}

/// A Table cell as kubectl prints it: strings up to the first line break (then `...`),
/// numbers and booleans as text, nothing for null.
fn cell_text(cell: &Value) -> String {
    match cell {
        Value::Null => String::new(),
        Value::String(s) => match s.find(['\n', '\r', '\u{c}']) {
            Some(i) => format!("{}...", &s[..i]),
            None => s.clone(),
        },
        other => other.to_string(),
    }
}

/// The rows (header first, if asked) that kubectl prints for a server-side Table.
pub fn table_rows(table: &Value, style: &TableStyle<'_>) -> Vec<Vec<String>> {
    let columns: Vec<&Value> = table
        .get("columnDefinitions")
        .and_then(Value::as_array)
        .map(|c| c.iter().collect())
        .unwrap_or_default();
    let shown: Vec<bool> = columns
        .iter()
        .map(|c| style.wide || c.get("priority").and_then(Value::as_i64).unwrap_or(0) == 0)
        .collect();
    let label_header = |key: &str| key.rsplit('/').next().unwrap_or(key).to_uppercase();
    let mut out = Vec::new();
    if style.headers {
        let mut h: Vec<String> = Vec::new();
        if style.namespace {
            h.push("NAMESPACE".into());
        }
        for (c, show) in columns.iter().zip(&shown) {
            if *show {
                h.push(s(c, "/name").to_uppercase());
            }
        }
        h.extend(style.label_columns.iter().map(|k| label_header(k)));
        if style.labels {
            h.push("LABELS".into());
        }
        out.push(h);
    }
    for row in table
        .get("rows")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let meta = row.ptr("/object/metadata").cloned().unwrap_or_default();
        let mut r: Vec<String> = Vec::new();
        if style.namespace {
            r.push(s(&meta, "/namespace").to_string());
        }
        let cells = row
            .get("cells")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (i, (cell, show)) in cells.iter().zip(&shown).enumerate() {
            if !*show {
                continue;
            }
            let mut text = cell_text(cell);
            let is_name = columns.get(i).is_some_and(|c| s(c, "/format") == "name");
            if let (true, Some(prefix)) = (is_name, style.kind_prefix) {
                text = format!("{prefix}/{text}");
            }
            r.push(text);
        }
        for key in style.label_columns {
            r.push(
                s(
                    &meta,
                    &format!("/labels/{}", key.replace('~', "~0").replace('/', "~1")),
                )
                .to_string(),
            );
        }
        if style.labels {
            r.push(labels_text(&meta));
        }
        out.push(r);
    }
    out
}

/// `k=v,…` of an object's labels (sorted), `<none>` when it has none.
fn labels_text(meta: &Value) -> String {
    match meta.get("labels").and_then(Value::as_object) {
        Some(m) if !m.is_empty() => {
            let mut pairs: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect();
            crate::sim::sort::natural(&mut pairs);
            pairs.join(",")
        }
        _ => "<none>".into(),
    }
}

/// kubectl's rendering of a failed request (`StandardErrorMessage`, and the Invalid special case).
pub fn error_text(status: &Value) -> String {
    let reason = s(status, "/reason");
    let message = s(status, "/message");
    if reason == "Invalid" {
        if status.get("details").is_none_or(Value::is_null) {
            // No details: kubectl adds the server's message, if any.
            return if message.is_empty() {
                "The request is invalid".to_string()
            } else {
                format!("The request is invalid: {message}")
            };
        }
        let kind = s(status, "/details/kind");
        let name = s(status, "/details/name");
        let prefix = if !kind.is_empty() || !name.is_empty() {
            format!("The {kind} \"{name}\" is invalid")
        } else {
            "The request is invalid".to_string()
        };
        let causes: Vec<String> = status
            .ptr("/details/causes")
            .and_then(Value::as_array)
            .map(|cs| {
                cs.iter()
                    .map(|c| format!("{}: {}", s(c, "/field"), s(c, "/message")))
                    .collect()
            })
            .unwrap_or_default();
        return match causes.len() {
            0 => format!("error: {prefix}"),
            1 => format!("{prefix}: {}", causes[0]),
            _ => format!("{prefix}: \n* {}", causes.join("\n* ")),
        };
    }
    match reason {
        "Unauthorized" => format!("error: You must be logged in to the server ({message})"),
        "" => format!("Error from server: {message}"),
        r => format!("Error from server ({r}): {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tabwriter_spacing_matches_kubectl() {
        let t = tabulate(&[
            vec![
                "NAME".into(),
                "READY".into(),
                "STATUS".into(),
                "RESTARTS".into(),
                "AGE".into(),
            ],
            vec![
                "nginx".into(),
                "1/1".into(),
                "Running".into(),
                "0".into(),
                "10s".into(),
            ],
        ]);
        assert_eq!(
            t,
            "NAME    READY   STATUS    RESTARTS   AGE\nnginx   1/1     Running   0          10s\n"
        );
    }

    #[test]
    fn errors_render_like_kubectl() {
        assert_eq!(
            error_text(&json!({"reason": "Forbidden", "message": "pods is forbidden: x"})),
            "Error from server (Forbidden): pods is forbidden: x"
        );
        assert_eq!(
            error_text(&json!({"reason": "Unauthorized", "message": "Unauthorized"})),
            "error: You must be logged in to the server (Unauthorized)"
        );
        assert_eq!(
            error_text(
                &json!({"reason": "Invalid", "message": "…", "details": {"kind": "Pod", "name": "x",
                "causes": [{"field": "spec.containers[0].image", "message": "Required value"}]}})
            ),
            "The Pod \"x\" is invalid: spec.containers[0].image: Required value"
        );
    }
}

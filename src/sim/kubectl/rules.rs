//! Policy rules as kubectl prints them (`kubectl auth can-i --list`, `kubectl describe role`):
//! broken down to one verb, resource and name each, merged again where only the verbs differ,
//! and sorted as kubectl sorts them (by the Go `String()` of each rule).
//! See <https://kubernetes.io/docs/reference/kubectl/generated/kubectl_auth/kubectl_auth_can-i/>.

use serde_json::Value;

use crate::sim::store::string_list as strings;

/// A policy rule as kubectl handles it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Rule {
    verbs: Vec<String>,
    api_groups: Vec<String>,
    resources: Vec<String>,
    resource_names: Vec<String>,
    urls: Vec<String>,
}

/// Go's `%v` of a string slice: `[a b]`.
fn go_list(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

impl Rule {
    /// The generated protobuf `String()`, which kubectl sorts by.
    fn sort_key(&self) -> String {
        format!(
            "&PolicyRule{{Verbs:{},APIGroups:{},Resources:{},ResourceNames:{},NonResourceURLs:{},}}",
            go_list(&self.verbs),
            go_list(&self.api_groups),
            go_list(&self.resources),
            go_list(&self.resource_names),
            go_list(&self.urls)
        )
    }

    /// `BreakdownRule`: one verb × group × resource × name, or one verb × URL, per rule.
    fn breakdown(&self) -> Vec<Rule> {
        let one = |s: &String| vec![s.clone()];
        let mut out = Vec::new();
        for g in &self.api_groups {
            for r in &self.resources {
                for v in &self.verbs {
                    let base = Rule {
                        verbs: one(v),
                        api_groups: one(g),
                        resources: one(r),
                        ..Default::default()
                    };
                    if self.resource_names.is_empty() {
                        out.push(base);
                    } else {
                        for n in &self.resource_names {
                            out.push(Rule {
                                resource_names: one(n),
                                ..base.clone()
                            });
                        }
                    }
                }
            }
        }
        for u in &self.urls {
            for v in &self.verbs {
                out.push(Rule {
                    verbs: one(v),
                    urls: one(u),
                    ..Default::default()
                });
            }
        }
        out
    }

    /// `isSimpleResourceRule`: one group, one resource, at most one name, no URLs.
    fn is_simple(&self) -> bool {
        self.resource_names.len() <= 1
            && self.urls.is_empty()
            && self.api_groups.len() == 1
            && self.resources.len() == 1
    }
}

/// `CompactRules`: simple rules that differ only in verbs become one (found through a map, as
/// upstream does, so ten thousand rules take linear time).
fn compact(rules: Vec<Rule>) -> Vec<Rule> {
    let mut out: Vec<Rule> = Vec::new();
    let mut simple: Vec<Rule> = Vec::new();
    let mut index: std::collections::HashMap<(String, String, Option<String>), usize> =
        std::collections::HashMap::new();
    for rule in rules {
        if !rule.is_simple() {
            out.push(rule);
            continue;
        }
        let key = (
            rule.api_groups[0].clone(),
            rule.resources[0].clone(),
            rule.resource_names.first().cloned(),
        );
        match index.get(&key) {
            Some(&i) => {
                let s = &mut simple[i];
                for v in rule.verbs {
                    if !s.verbs.contains(&v) {
                        s.verbs.push(v);
                    }
                }
            }
            None => {
                index.insert(key, simple.len());
                simple.push(rule);
            }
        }
    }
    out.extend(simple);
    out
}

/// `describe.CombineResourceGroup`: `resource.group/subresource` of the first of each.
fn combine_resource_group(resources: &[String], groups: &[String]) -> String {
    let Some(first) = resources.first() else {
        return String::new();
    };
    let (resource, sub) = match first.split_once('/') {
        Some((r, s)) => (r, Some(s)),
        None => (first.as_str(), None),
    };
    let mut out = resource.to_string();
    if let Some(g) = groups.first().filter(|g| !g.is_empty()) {
        out = format!("{out}.{g}");
    }
    if let Some(s) = sub {
        out = format!("{out}/{s}");
    }
    out
}

/// The rows `kubectl describe role` and `kubectl auth can-i --list` print for policy rules
/// (`Resources`, `Non-Resource URLs`, `Resource Names`, `Verbs`): broken down, compacted and
/// sorted by each rule's Go `String()`.
pub fn rule_rows<'a>(rules: impl Iterator<Item = &'a Value>) -> Vec<Vec<String>> {
    let broken: Vec<Rule> = rules
        .flat_map(|r| {
            Rule {
                verbs: strings(r, "verbs"),
                api_groups: strings(r, "apiGroups"),
                resources: strings(r, "resources"),
                resource_names: strings(r, "resourceNames"),
                urls: strings(r, "nonResourceURLs"),
            }
            .breakdown()
        })
        .collect();
    let mut compacted = compact(broken);
    crate::sim::sort::by_cached_key(&mut compacted, &|r: &Rule| r.sort_key());
    compacted
        .iter()
        .map(|r| {
            vec![
                combine_resource_group(&r.resources, &r.api_groups),
                go_list(&r.urls),
                go_list(&r.resource_names),
                go_list(&r.verbs),
            ]
        })
        .collect()
}

/// The table rows of `can-i --list` for a review's status.
pub fn access_rows(status: &Value) -> Vec<Vec<String>> {
    let list = |k: &str| {
        status
            .get(k)
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice)
    };
    rule_rows(list("resourceRules").iter().chain(list("nonResourceRules")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_are_broken_down_compacted_and_sorted_like_kubectl() {
        let status = json!({
            "resourceRules": [
                {"verbs": ["get", "patch"], "apiGroups": ["apps"], "resources": ["deployments", "deployments/scale"]},
                {"verbs": ["get"], "apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["blue", "orange"]},
                {"verbs": ["get", "list"], "apiGroups": [""], "resources": ["pods"]},
                {"verbs": ["watch"], "apiGroups": [""], "resources": ["pods"]},
            ],
            "nonResourceRules": [{"verbs": ["get"], "nonResourceURLs": ["/healthz", "/api"]}],
        });
        let rows: Vec<String> = access_rows(&status).iter().map(|r| r.join("|")).collect();
        assert_eq!(
            rows,
            [
                "pods|[]|[]|[get list watch]",
                "deployments.apps/scale|[]|[]|[get patch]",
                "deployments.apps|[]|[]|[get patch]",
                "|[/api]|[]|[get]",
                "|[/healthz]|[]|[get]",
                "configmaps|[]|[blue]|[get]",
                "configmaps|[]|[orange]|[get]",
            ]
        );
    }
}

//! **ResourceQuota** (`k8s.io/apiserver/pkg/admission/plugin/resourcequota`), on by default
//! and last in the chain: a request that would take a namespace past one of its quotas is
//! refused, and an admitted one is charged to the quotas it falls under (`status.used`),
//! except in a dry run. The costs and scopes are `sim::quota`'s.
//! See <https://kubernetes.io/docs/concepts/policy/resource-quotas/>.

use crate::sim::ptr::Ptr as _;
use serde_json::Value;

use super::{Attributes, Context, Operation, Verdict};
use crate::sim::quantity::Quantity;
use crate::sim::quota::{self, pretty, resource_list, Evaluator, ResourceList};
use crate::sim::store::name_of;

/// ResourceQuota's `Validate`.
pub fn validate(ctx: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if a.namespace.is_empty() {
        return Verdict::Skip("cluster-scoped requests use no quota".into());
    }
    if a.operation == Operation::Create && a.group.is_empty() && a.resource == "namespaces" {
        return Verdict::Skip("creating a namespace uses no quota".into());
    }
    let Some(res) =
        crate::sim::discovery::by_resource(ctx.control_plane.minor, &a.group, &a.resource)
    else {
        return Verdict::Skip("not a resource quota knows".into());
    };
    let Some(ev) = quota::evaluator(res.group, res.name) else {
        return Verdict::Skip(format!("quota ignores {}", a.resource).into());
    };
    let quotas: Vec<Value> = ctx
        .store
        .list("", "resourcequotas", Some(&a.namespace))
        .cloned()
        .collect();
    if quotas.is_empty() {
        return Verdict::Admit(
            format!("namespace \"{}\" has no ResourceQuota", a.namespace).into(),
        );
    }
    if !ev.handles(a.operation == Operation::Update, &a.subresource) {
        return Verdict::Skip(
            format!(
                "quota does not charge {} of {}",
                a.operation.as_str(),
                a.resource
            )
            .into(),
        );
    }
    let Some(obj) = a.object.as_ref() else {
        return Verdict::Skip("no object".into());
    };

    // The quotas this object falls under, with the names each restricts.
    let mut interesting: Vec<(usize, Vec<String>)> = Vec::new();
    for (i, q) in quotas.iter().enumerate() {
        if !ev.matches(q, obj) {
            continue;
        }
        let hard = resource_list(q.ptr("/status/hard"));
        let restricted = ev.matching(&hard.keys().collect::<Vec<_>>());
        if ev == Evaluator::Pods {
            if let Err(e) = quota::pod_constraints(obj, &restricted) {
                return Verdict::Reject(a.forbidden(&format!("failed quota: {}: {e}", name_of(q))));
            }
        }
        let used = resource_list(q.ptr("/status/used"));
        if restricted.iter().any(|r| !used.contains_key(r)) {
            let mut names = restricted.clone();
            names.sort();
            return Verdict::Reject(a.forbidden(&format!(
                "status unknown for quota: {}, resources: {}",
                name_of(q),
                names.join(",")
            )));
        }
        interesting.push((i, restricted));
    }
    if interesting.is_empty() {
        return Verdict::Admit("the object falls under none of the namespace's quotas".into());
    }

    let mut delta = ev.usage(obj, ctx.now);
    let negative: Vec<&String> = delta
        .iter()
        .filter(|(_, q)| q.is_negative())
        .map(|(k, _)| k)
        .collect();
    if !negative.is_empty() {
        let names: Vec<&str> = negative.iter().map(|s| s.as_str()).collect();
        return Verdict::Reject(a.forbidden(&format!(
            "quota usage is negative for resource(s): {}",
            names.join(",")
        )));
    }
    if a.operation == Operation::Update {
        let Some(old) = a.old_object.as_ref() else {
            return Verdict::Reject(a.forbidden(
                "unable to get previous usage since prior version of object was not found",
            ));
        };
        // An update is charged only for what grows.
        let before = ev.usage(old, ctx.now);
        for (k, q) in delta.iter_mut() {
            if let Some(b) = before.get(k) {
                q.sub(*b);
                if q.is_negative() {
                    *q = Quantity::zero();
                }
            }
        }
    }
    delta.retain(|_, q| !q.is_zero());
    if delta.is_empty() {
        return Verdict::Admit("the request uses no more of any quota".into());
    }

    let mut charged = Vec::new();
    let mut updates = Vec::new();
    for (i, _) in &interesting {
        let q = &quotas[*i];
        let hard = resource_list(q.ptr("/status/hard"));
        let used = resource_list(q.ptr("/status/used"));
        let requested: ResourceList = delta
            .iter()
            .filter(|(k, _)| hard.contains_key(*k))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        let mut new_used = used.clone();
        for (k, v) in &requested {
            new_used
                .entry(k.clone())
                .and_modify(|u| u.add(*v))
                .or_insert(*v);
        }
        let exceeded: Vec<&String> = requested
            .keys()
            .filter(|k| match (new_used.get(*k), hard.get(*k)) {
                (Some(n), Some(h)) => n > h,
                _ => false,
            })
            .collect();
        if !exceeded.is_empty() {
            let mask = |l: &ResourceList| -> ResourceList {
                l.iter()
                    .filter(|(k, _)| exceeded.contains(k))
                    .map(|(k, v)| (k.clone(), *v))
                    .collect()
            };
            return Verdict::Reject(a.forbidden(&format!(
                "exceeded quota: {}, requested: {}, used: {}, limited: {}",
                name_of(q),
                pretty(&mask(&requested)),
                pretty(&mask(&used)),
                pretty(&mask(&hard))
            )));
        }
        charged.push(format!(
            "ResourceQuota \"{}\": {} within {}",
            name_of(q),
            pretty(&requested),
            pretty(
                &hard
                    .iter()
                    .filter(|(k, _)| requested.contains_key(*k))
                    .map(|(k, v)| (k.clone(), *v))
                    .collect()
            )
        ));
        updates.push((*i, new_used));
    }
    if a.dry_run {
        return Verdict::Admit(
            format!("{} (a dry run: no usage recorded)", charged.join("; ")).into(),
        );
    }
    for (i, new_used) in updates {
        let mut q = quotas[i].clone();
        let mut used = resource_list(q.ptr("/status/used"));
        used.extend(new_used);
        q["status"]["used"] = Value::Object(
            used.iter()
                .map(|(k, v)| (k.clone(), Value::String(v.to_string())))
                .collect(),
        );
        ctx.store.put_system("", "resourcequotas", q);
    }
    Verdict::Admit(format!("{}; usage recorded", charged.join("; ")).into())
}

//! AlwaysPullImages (`plugin/pkg/admission/alwayspullimages`): every container of a new pod,
//! or of an update that brings a new image, pulls its image on every start, so a pod cannot
//! use an image already on the node that it could not pull itself. Off by default.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#alwayspullimages>.

use crate::sim::ptr::Ptr as _;
use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::{Attributes, Context, Operation, Verdict};
use crate::sim::response::ApiError;

/// Init, regular and ephemeral containers, in upstream's visiting order, with their paths.
const LISTS: [&str; 3] = ["initContainers", "containers", "ephemeralContainers"];

fn images(pod: Option<&Value>) -> BTreeSet<String> {
    let Some(pod) = pod else {
        return BTreeSet::new();
    };
    LISTS
        .iter()
        .filter_map(|l| pod.ptr(&format!("/spec/{l}")).and_then(Value::as_array))
        .flatten()
        .filter_map(|c| c.get("image").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// Why the plugin leaves this request alone, if it does.
fn ignored(a: &Attributes<'_>) -> Option<String> {
    if !a.is_core("pods") {
        return Some("only looks at pods".into());
    }
    if a.operation == Operation::Update {
        let old = images(a.old_object.as_ref());
        if images(a.object.as_ref()).iter().all(|i| old.contains(i)) {
            return Some("the update brings no new image".into());
        }
    }
    None
}

/// AlwaysPullImages' `Admit`.
pub fn admit(_: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    if let Some(why) = ignored(a) {
        return Verdict::Skip(why.into());
    }
    let Some(pod) = a.object_mut() else {
        return Verdict::Skip("no pod".into());
    };
    let mut set = Vec::new();
    for list in LISTS {
        if let Some(cs) = pod["spec"].get_mut(list).and_then(Value::as_array_mut) {
            for c in cs {
                c["imagePullPolicy"] = json!("Always");
                set.push(
                    c.get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                );
            }
        }
    }
    if let Some(volumes) = pod["spec"].get_mut("volumes").and_then(Value::as_array_mut) {
        for v in volumes.iter_mut().filter(|v| v.get("image").is_some()) {
            v["image"]["pullPolicy"] = json!("Always");
        }
    }
    Verdict::Admit(format!("imagePullPolicy: Always for {}", set.join(", ")).into())
}

/// AlwaysPullImages' `Validate`: every container must pull always. Upstream returns the
/// refusals as one aggregate, which the server answers as a 500.
pub fn validate(_: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    if let Some(why) = ignored(a) {
        return Verdict::Skip(why.into());
    }
    let Some(pod) = a.object.as_ref() else {
        return Verdict::Skip("no pod".into());
    };
    let mut errors = Vec::new();
    let not_supported = |path: String, value: &str| {
        a.forbidden(&format!(
            "{path}: Unsupported value: {}: supported values: \"Always\"",
            crate::sim::yamlout::go_quote(value)
        ))
        .message
    };
    for list in LISTS {
        for (i, c) in pod
            .ptr(&format!("/spec/{list}"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let policy = c
                .get("imagePullPolicy")
                .and_then(Value::as_str)
                .unwrap_or("");
            if policy != "Always" {
                errors.push(not_supported(
                    format!("spec.{list}[{i}].imagePullPolicy"),
                    policy,
                ));
            }
        }
    }
    for (i, v) in pod
        .ptr("/spec/volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(image) = v.get("image") {
            let policy = image
                .get("pullPolicy")
                .and_then(Value::as_str)
                .unwrap_or("");
            if policy != "Always" {
                errors.push(not_supported(
                    format!("spec.volumes[{i}].image.pullPolicy"),
                    policy,
                ));
            }
        }
    }
    match crate::sim::authz::aggregate_errors(&errors) {
        Some(message) => Verdict::Reject(ApiError::unknown(message)),
        None => Verdict::Admit("every container pulls its image always".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::admission::testing;
    use crate::sim::authn::UserInfo;
    use crate::sim::store::Store;

    #[test]
    fn pull_always_on_create_and_on_updates_with_new_images() {
        let user = UserInfo::default();
        let pod = json!({"metadata": {"name": "123", "namespace": "blue"}, "spec": {
            "initContainers": [{"name": "init1", "image": "image"}],
            "containers": [{"name": "ctr1", "image": "image", "imagePullPolicy": "Never"},
                {"name": "ctr2", "image": "image", "imagePullPolicy": "IfNotPresent"}]}});
        let url = "/api/v1/namespaces/blue/pods";
        let mut a = testing::attrs(Operation::Create, "POST", url, &user, Some(pod.clone()));
        match testing::validate(&mut Store::new(0, 1), validate, &a) {
            Verdict::Reject(e) => assert_eq!(
                (e.code, e.message.as_str()),
                (500, "[pods \"123\" is forbidden: spec.initContainers[0].imagePullPolicy: Unsupported value: \"\": supported values: \"Always\", pods \"123\" is forbidden: spec.containers[0].imagePullPolicy: Unsupported value: \"Never\": supported values: \"Always\", pods \"123\" is forbidden: spec.containers[1].imagePullPolicy: Unsupported value: \"IfNotPresent\": supported values: \"Always\"]")
            ),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            testing::admit(&mut Store::new(0, 1), admit, &mut a),
            Verdict::Admit(_)
        ));
        let policies: Vec<&str> = ["initContainers", "containers"]
            .iter()
            .flat_map(|l| {
                a.object.as_ref().unwrap()["spec"][l]
                    .as_array()
                    .unwrap()
                    .iter()
            })
            .map(|c| c["imagePullPolicy"].as_str().unwrap())
            .collect();
        assert_eq!(policies, ["Always", "Always", "Always"]);
        assert!(matches!(
            testing::validate(&mut Store::new(0, 1), validate, &a),
            Verdict::Admit(_)
        ));
        // An update that keeps the images is left alone.
        let mut u = testing::attrs(
            Operation::Update,
            "PUT",
            "/api/v1/namespaces/blue/pods/123",
            &user,
            Some(pod.clone()),
        );
        u.old_object = Some(pod.clone());
        assert!(matches!(
            testing::admit(&mut Store::new(0, 1), admit, &mut u),
            Verdict::Skip(_)
        ));
        let mut newer = pod.clone();
        newer["spec"]["containers"][0]["image"] = json!("image:2");
        u.object = Some(newer);
        assert!(matches!(
            testing::admit(&mut Store::new(0, 1), admit, &mut u),
            Verdict::Admit(_)
        ));
    }
}

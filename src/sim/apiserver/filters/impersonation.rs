//! The impersonation filter (`k8s.io/apiserver/pkg/endpoints/filters/impersonation.go`): each
//! `Impersonate-*` header is authorized as the `impersonate` verb, and the request then runs
//! as the impersonated user.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation>.

use std::collections::BTreeMap;

use crate::sim::apiserver::Recorder;
use crate::sim::authn::{UserInfo, ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS};
use crate::sim::authz::{self, Attributes};
use crate::sim::cluster::Cluster;
use crate::sim::http::HttpRequest;
use crate::sim::response::ApiError;
use crate::sim::trace::{Decision, Stage, StageRecord};

impl Cluster {
    /// The impersonation filter: checks `impersonate` on each requested attribute, in upstream's
    /// order (user, groups, extras, uid), and builds the impersonated user.
    pub(crate) fn impersonate(
        &self,
        req: &HttpRequest,
        requester: UserInfo,
        rec: &mut Recorder,
    ) -> Result<Option<UserInfo>, ApiError> {
        let user_header = req.header("Impersonate-User").map(str::to_string);
        let groups: Vec<String> = req
            .header_values("Impersonate-Group")
            .map(str::to_string)
            .collect();
        let uid = req.header("Impersonate-Uid").map(str::to_string);
        let mut extras: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in &req.headers {
            const PREFIX: &str = "Impersonate-Extra-";
            let (Some(head), Some(tail)) = (k.get(..PREFIX.len()), k.get(PREFIX.len()..)) else {
                continue;
            };
            if !tail.is_empty() && head.eq_ignore_ascii_case(PREFIX) {
                let key = tail.to_ascii_lowercase();
                let key = percent_encoding::percent_decode_str(&key)
                    .decode_utf8_lossy()
                    .to_string();
                extras.entry(key).or_default().push(v.clone());
            }
        }
        if user_header.is_none() && groups.is_empty() && uid.is_none() && extras.is_empty() {
            return Ok(None);
        }
        let mut record = StageRecord::new(Stage::Impersonation);
        record.detail("requested by", &requester.username);
        let Some(target) = user_header else {
            let reason =
                "requested groups, extras or a uid without impersonating a user".to_string();
            record.decide("", Decision::Deny, reason);
            rec.push(record);
            // Go's %v of the []v1.ObjectReference it collected (seven fields each).
            // {Kind Namespace Name UID APIVersion ResourceVersion FieldPath}
            let reference = |kind: &str, name: &str, api_version: &str, field_path: &str| {
                format!("{{{kind}  {name}  {api_version}  {field_path}}}")
            };
            let v1 = "authentication.k8s.io/v1";
            let mut what = Vec::new();
            for g in &groups {
                what.push(reference("Group", g, "", ""));
            }
            for (k, values) in &extras {
                for v in values {
                    what.push(reference("UserExtra", v, v1, k));
                }
            }
            if let Some(u) = &uid {
                what.push(reference("UID", u, v1, ""));
            }
            return Err(ApiError::bad_request(format!(
                "requested [{}] without impersonating a user",
                what.join(" ")
            )));
        };
        let mut checks: Vec<Attributes> = Vec::new();
        let base = Attributes {
            user: requester.clone(),
            verb: "impersonate".into(),
            resource_request: true,
            ..Default::default()
        };
        let sa = split_service_account(&target);
        match &sa {
            Some((ns, name)) => checks.push(Attributes {
                namespace: ns.clone(),
                resource: "serviceaccounts".into(),
                name: name.clone(),
                ..base.clone()
            }),
            None => checks.push(Attributes {
                resource: "users".into(),
                name: target.clone(),
                ..base.clone()
            }),
        }
        for g in &groups {
            checks.push(Attributes {
                resource: "groups".into(),
                name: g.clone(),
                ..base.clone()
            });
        }
        for (k, values) in &extras {
            for v in values {
                checks.push(Attributes {
                    api_group: "authentication.k8s.io".into(),
                    resource: "userextras".into(),
                    subresource: k.clone(),
                    name: v.clone(),
                    ..base.clone()
                });
            }
        }
        if let Some(u) = &uid {
            checks.push(Attributes {
                api_group: "authentication.k8s.io".into(),
                resource: "uids".into(),
                name: u.clone(),
                ..base.clone()
            });
        }
        for check in &checks {
            let d = authz::authorize(&self.authz, &self.store, check, None);
            let what = format!(
                "impersonate {} \"{}\"",
                if check.subresource.is_empty() {
                    check.resource.clone()
                } else {
                    format!("{}/{}", check.resource, check.subresource)
                },
                check.name
            );
            if d.decision == Decision::Allow {
                record.step(
                    d.plugin.clone(),
                    Decision::Allow,
                    format!(
                        "{what}: {}",
                        if d.reason.is_empty() {
                            "allowed"
                        } else {
                            &d.reason
                        }
                    ),
                );
                continue;
            }
            record.step(
                d.plugin.clone(),
                Decision::Deny,
                format!("{what}: no authorizer allowed it"),
            );
            let mut inner = check.forbidden_message();
            if !d.reason.is_empty() {
                inner = format!("{inner}: {}", d.reason);
            }
            record.decide(
                &d.plugin,
                Decision::Deny,
                format!("{} may not {what}", requester.username),
            );
            rec.push(record);
            return Err(ApiError::forbidden(
                &check.api_group,
                &check.resource,
                &check.name,
                &inner,
            ));
        }
        let mut user = UserInfo {
            username: target.clone(),
            uid: uid.unwrap_or_default(),
            groups: groups.clone(),
            extra: extras,
        };
        if let (Some((ns, _)), true) = (&sa, groups.is_empty()) {
            user.groups = vec![
                "system:serviceaccounts".into(),
                format!("system:serviceaccounts:{ns}"),
            ];
        }
        if user.username == ANONYMOUS {
            if !user.groups.iter().any(|g| g == ALL_UNAUTHENTICATED) {
                user.groups.push(ALL_UNAUTHENTICATED.into());
            }
        } else if !user
            .groups
            .iter()
            .any(|g| g == ALL_AUTHENTICATED || g == ALL_UNAUTHENTICATED)
        {
            user.groups.push(ALL_AUTHENTICATED.into());
        }
        record.detail("acting as", &user.username);
        record.detail("groups", user.groups.join(", "));
        record.decide(
            "",
            Decision::Allow,
            format!("{} may act as \"{}\"", requester.username, user.username),
        );
        rec.push(record);
        Ok(Some(user))
    }
}

/// A service-account user name split into namespace and name, as upstream's `SplitUsername`.
pub fn split_service_account(username: &str) -> Option<(String, String)> {
    let rest = username.strip_prefix("system:serviceaccount:")?;
    let mut parts = rest.split(':');
    let (ns, name) = (parts.next()?, parts.next()?);
    if parts.next().is_some() || ns.is_empty() || name.is_empty() {
        return None;
    }
    Some((ns.to_string(), name.to_string()))
}

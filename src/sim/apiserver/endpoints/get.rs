//! Reads: GET of one object and LIST (`k8s.io/apiserver/pkg/endpoints/handlers/get.go`),
//! with label and field selectors, as JSON or as the Table kubectl prints.
//! See <https://kubernetes.io/docs/reference/using-api/api-concepts/>.

use crate::sim::ptr::Ptr as _;
use serde_json::{json, Value};

use super::super::{key, query_value, wants_table, with_type_meta, Answer, Recorder};
use crate::sim::cluster::Cluster;
use crate::sim::discovery::ApiResource;
use crate::sim::fieldsel;
use crate::sim::http::HttpRequest;
use crate::sim::request::RequestInfo;
use crate::sim::response::ApiError;
use crate::sim::store::name_of;
use crate::sim::tables;
use crate::sim::trace::{Decision, Stage, StageRecord};

impl Cluster {
    /// GET one object.
    pub(crate) fn get(
        &self,
        req: &HttpRequest,
        info: &RequestInfo,
        res: &ApiResource,
        rec: &mut Recorder,
    ) -> Answer {
        let mut record = StageRecord::new(Stage::Storage);
        let found = self
            .store
            .get(res.group, res.name, &info.namespace, &info.name)
            .cloned();
        match found {
            Some(obj) => {
                record.decide(
                    "etcd",
                    Decision::Allow,
                    format!("read {}", key(res, &info.namespace, &info.name)),
                );
                rec.push(record);
                if wants_table(req) {
                    let rv = obj
                        .ptr("/metadata/resourceVersion")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    return Ok((200, tables::table(res, &[obj], &rv, self.now)));
                }
                Ok((200, with_type_meta(obj, res)))
            }
            None => {
                record.decide(
                    "etcd",
                    Decision::Deny,
                    format!("no object at {}", key(res, &info.namespace, &info.name)),
                );
                rec.push(record);
                Err(ApiError::not_found(res.group, res.name, &info.name))
            }
        }
    }

    /// LIST (and WATCH, answered as a list).
    pub(crate) fn list(
        &self,
        req: &HttpRequest,
        info: &RequestInfo,
        res: &ApiResource,
        rec: &mut Recorder,
    ) -> Answer {
        let mut record = StageRecord::new(Stage::Storage);
        let ns = (!info.namespace.is_empty()).then_some(info.namespace.as_str());
        // The label selector is decoded before the field selector, as upstream's
        // ListOptions conversion does.
        let selector = match crate::sim::labels::parse(
            &query_value(&req.url, "labelSelector").unwrap_or_default(),
        ) {
            Ok(s) => s,
            Err(e) => {
                record.decide("etcd", Decision::Deny, e.clone());
                rec.push(record);
                return Err(ApiError::bad_request(e));
            }
        };
        let fields = match query_value(&req.url, "fieldSelector") {
            Some(f) => match fieldsel::parse(res, &f) {
                Ok(reqs) => reqs,
                Err(e) => {
                    record.decide("etcd", Decision::Deny, e.message.clone());
                    rec.push(record);
                    return Err(e);
                }
            },
            None => Vec::new(),
        };
        let items: Vec<Value> = self
            .store
            .list(res.group, res.name, ns)
            .filter(|o| info.name.is_empty() || name_of(o) == info.name)
            .filter(|o| selector.matches(o.ptr("/metadata/labels")))
            .filter(|o| fieldsel::matches(&fields, o))
            .cloned()
            .map(|o| with_type_meta(o, res))
            .collect();
        record.decide(
            "etcd",
            Decision::Allow,
            format!("listed {} {}", items.len(), res.name),
        );
        rec.push(record);
        let rv = self.store.revision().to_string();
        if wants_table(req) {
            return Ok((200, tables::table(res, &items, &rv, self.now)));
        }
        let api_version = res.api_version();
        Ok((
            200,
            json!({"kind": format!("{}List", res.kind), "apiVersion": api_version,
            "metadata": {"resourceVersion": rv}, "items": items}),
        ))
    }
}

//! Request data into CEL and CEL values back to JSON. Kubernetes binds `object`, `oldObject`
//! and the rest as dynamic values read from JSON: every JSON integer is a CEL `int` (a
//! positive one is never `uint`, so `object.spec.replicas * 2` works), other numbers are
//! `double`, and map keys are the JSON keys as written (`labels['app.kubernetes.io/name']`).
//! The crate's own serde path would make positive integers `uint`, so this module converts.

use std::collections::HashMap;

use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString,
};
use cel::common::value::Val;
use cel::objects::Key;
use cel::Value;
use serde_json::Value as Json;

/// `null` as request data holds it: equal to `null` (either way round: it passes for CEL's own
/// null), and a field of it is missing, as cel-go reads a field through a null variable
/// (`params.metadata` with no params: `no such key: metadata`; `has(params.x)`: false).
#[derive(Clone, Copy, Debug)]
pub struct DataNull;

static NULL: CelNull = CelNull;

impl Val for DataNull {
    fn get_type(&self) -> &cel::common::types::Type {
        &cel::common::types::NULL_TYPE
    }
    fn cel_type() -> &'static cel::common::types::Type {
        &cel::common::types::NULL_TYPE
    }
    fn equals(&self, other: &dyn Val) -> bool {
        other.get_type().kind() == cel::common::types::Kind::NullType
    }
    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v> {
        Box::new(DataNull)
    }
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(&NULL)
    }
    fn as_indexer<'b, 'w>(&'b self) -> Option<&'b (dyn cel::common::traits::Indexer + 'w)>
    where
        Self: 'w,
    {
        Some(self)
    }
}

impl cel::common::traits::Indexer for DataNull {
    fn get<'b, 'v>(
        &'b self,
        idx: &dyn Val,
    ) -> Result<cel::common::value::CowVal<'b, 'v>, cel::ExecutionError> {
        let key = idx
            .downcast_ref::<CelString>()
            .map_or_else(|| format!("{idx:?}"), |s| s.inner().to_string());
        Err(cel::ExecutionError::NoSuchKey(std::sync::Arc::new(key)))
    }

    fn steal<'v>(self: Box<Self>, idx: &dyn Val) -> Result<Box<dyn Val + 'v>, cel::ExecutionError>
    where
        Self: 'v,
    {
        self.get(idx).map(|v| v.into_owned())
    }
}

/// A JSON value as a CEL value, borrowing its strings.
pub fn json_to_val(j: &Json) -> Box<dyn Val + '_> {
    match j {
        Json::Null => Box::new(DataNull),
        Json::Bool(b) => Box::new(CelBool::from(*b)),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Box::new(CelInt::from(i)),
            None => Box::new(CelDouble::from(n.as_f64().unwrap_or(f64::NAN))),
        },
        Json::String(s) => Box::new(CelString::from(s.as_str())),
        Json::Array(a) => Box::new(CelList::from(a.iter().map(json_to_val).collect::<Vec<_>>())),
        Json::Object(o) => Box::new(CelMap::from(
            o.iter()
                .map(|(k, v)| (CelMapKey::from(k.as_str()), json_to_val(v)))
                .collect::<HashMap<CelMapKey<'_>, Box<dyn Val + '_>>>(),
        )),
    }
}

/// A CEL value as JSON: maps with their keys sorted (CEL maps have no order), bytes as
/// base64 (as JSON carries them), a value JSON cannot hold as a string describing it.
pub fn value_to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::UInt(u) => Json::from(*u),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map_or_else(|| Json::String(f.to_string()), Json::Number),
        Value::String(s) => Json::String(s.to_string()),
        Value::Bytes(b) => Json::String(crate::sim::b64::STANDARD.encode(b.as_slice())),
        Value::List(l) => Json::Array(l.iter().map(value_to_json).collect()),
        Value::Map(m) => {
            let mut entries: Vec<(String, Json)> = m
                .map
                .iter()
                .map(|(k, v)| (key_text(k), value_to_json(v)))
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Object(entries.into_iter().collect())
        }
        other => Json::String(format!("{other:?}")),
    }
}

fn key_text(k: &Key) -> String {
    match k {
        Key::Int(i) => i.to_string(),
        Key::Uint(u) => u.to_string(),
        Key::Bool(b) => b.to_string(),
        Key::String(s) => s.to_string(),
    }
}

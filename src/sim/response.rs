//! The `Status` objects the API server answers with when a request fails, with upstream's exact
//! messages, reasons and codes.
//! See <https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/status/>.

use serde_json::{json, Map, Value};

/// A failure the server reports: HTTP code plus `Status` body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The body is plain text (Go's `http.Error`), not a `Status`.
    pub text_body: bool,
    /// HTTP status code.
    pub code: u16,
    /// `Status.reason`, e.g. `NotFound`.
    pub reason: String,
    /// `Status.message`.
    pub message: String,
    /// `Status.details`, already shaped (may be empty).
    pub details: Box<Map<String, Value>>,
}

/// The `resource[.group]` prefix upstream uses in messages.
pub fn qualified(group: &str, resource: &str) -> String {
    if group.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}.{group}")
    }
}

fn details(name: &str, group: &str, kind: &str) -> Map<String, Value> {
    let mut d = Map::new();
    if !name.is_empty() {
        d.insert("name".into(), json!(name));
    }
    if !group.is_empty() {
        d.insert("group".into(), json!(group));
    }
    if !kind.is_empty() {
        d.insert("kind".into(), json!(kind));
    }
    d
}

impl ApiError {
    /// The `Status` body, fields in upstream's order.
    pub fn status(&self) -> Value {
        if self.text_body {
            // A plain-text body (http.Error), not a Status.
            return Value::String(self.message.clone());
        }
        let mut m = Map::new();
        m.insert("kind".into(), json!("Status"));
        m.insert("apiVersion".into(), json!("v1"));
        m.insert("metadata".into(), json!({}));
        m.insert("status".into(), json!("Failure"));
        m.insert("message".into(), json!(self.message));
        if !self.reason.is_empty() {
            // StatusReasonUnknown is the empty string, left out of the JSON.
            m.insert("reason".into(), json!(self.reason));
        }
        if !self.details.is_empty() || self.code == 403 {
            m.insert("details".into(), Value::Object((*self.details).clone()));
        }
        m.insert("code".into(), json!(self.code));
        Value::Object(m)
    }

    /// A `text/plain` error body, as Go's `http.Error` writes (the authorization filter's 500
    /// when an authorizer failed). `Status()` returns it as a JSON string.
    pub fn plain_text(code: u16, text: String) -> Self {
        ApiError {
            text_body: true,
            code,
            reason: String::new(),
            message: text,
            details: Box::default(),
        }
    }

    /// 401, from the authentication filter.
    pub fn unauthorized() -> Self {
        ApiError {
            text_body: false,
            code: 401,
            reason: "Unauthorized".into(),
            message: "Unauthorized".into(),
            details: Box::default(),
        }
    }

    /// 403 with upstream's `NewForbidden` message around an inner message.
    pub fn forbidden(group: &str, resource: &str, name: &str, inner: &str) -> Self {
        let message = if group.is_empty() && resource.is_empty() {
            format!("forbidden: {inner}")
        } else if name.is_empty() {
            format!("{} is forbidden: {inner}", qualified(group, resource))
        } else {
            format!(
                "{} \"{name}\" is forbidden: {inner}",
                qualified(group, resource)
            )
        };
        ApiError {
            text_body: false,
            code: 403,
            reason: "Forbidden".into(),
            message,
            details: Box::new(details(name, group, resource)),
        }
    }

    /// 404 for a missing object.
    pub fn not_found(group: &str, resource: &str, name: &str) -> Self {
        ApiError {
            text_body: false,
            code: 404,
            reason: "NotFound".into(),
            message: format!("{} \"{name}\" not found", qualified(group, resource)),
            details: Box::new(details(name, group, resource)),
        }
    }

    /// 409 for a create of an object that exists.
    pub fn already_exists(group: &str, resource: &str, name: &str) -> Self {
        ApiError {
            text_body: false,
            code: 409,
            reason: "AlreadyExists".into(),
            message: format!("{} \"{name}\" already exists", qualified(group, resource)),
            details: Box::new(details(name, group, resource)),
        }
    }

    /// 409 for an update based on a stale resourceVersion.
    pub fn conflict(group: &str, resource: &str, name: &str, why: &str) -> Self {
        ApiError {
            text_body: false,
            code: 409,
            reason: "Conflict".into(),
            message: format!(
                "Operation cannot be fulfilled on {} \"{name}\": {why}",
                qualified(group, resource)
            ),
            details: Box::new(details(name, group, resource)),
        }
    }

    /// 400 with a plain message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError {
            text_body: false,
            code: 400,
            reason: "BadRequest".into(),
            message: message.into(),
            details: Box::default(),
        }
    }

    /// 404 for a path the server does not serve.
    pub fn page_not_found() -> Self {
        ApiError {
            text_body: false,
            code: 404,
            reason: "NotFound".into(),
            message: "the server could not find the requested resource".into(),
            details: Box::default(),
        }
    }

    /// 405 for a verb a resource does not support.
    pub fn method_not_supported(group: &str, resource: &str, action: &str) -> Self {
        ApiError {
            text_body: false,
            code: 405,
            reason: "MethodNotAllowed".into(),
            message: format!(
                "{action} is not supported on resources of kind \"{}\"",
                qualified(group, resource)
            ),
            details: Box::new(details("", group, resource)),
        }
    }

    /// 503 ServiceUnavailable with a message.
    pub fn service_unavailable(message: &str) -> Self {
        ApiError {
            text_body: false,
            code: 503,
            reason: "ServiceUnavailable".into(),
            message: message.into(),
            details: Box::default(),
        }
    }

    /// 413 `RequestEntityTooLarge` (`NewRequestEntityTooLargeError`).
    pub fn entity_too_large(message: &str) -> Self {
        ApiError {
            text_body: false,
            code: 413,
            reason: "RequestEntityTooLarge".into(),
            message: format!("Request entity too large: {message}"),
            details: Box::default(),
        }
    }

    /// An error that is not a `Status` (a plain Go error, an aggregate of errors): the
    /// server answers 500 with its text and no reason (`responsewriters.ErrorToAPIStatus`).
    pub fn unknown(message: impl Into<String>) -> Self {
        ApiError {
            text_body: false,
            code: 500,
            reason: String::new(),
            message: message.into(),
            details: Box::default(),
        }
    }

    /// 429 (`NewTooManyRequestsError`).
    pub fn too_many_requests(message: &str) -> Self {
        ApiError {
            text_body: false,
            code: 429,
            reason: "TooManyRequests".into(),
            message: format!("Too many requests: {message}"),
            details: Box::default(),
        }
    }

    /// 500 with upstream's `Internal error occurred: ` prefix.
    pub fn internal(message: &str) -> Self {
        ApiError {
            text_body: false,
            code: 500,
            reason: "InternalError".into(),
            message: format!("Internal error occurred: {message}"),
            details: {
                let mut d = Map::new();
                d.insert("causes".into(), json!([{ "message": message }]));
                Box::new(d)
            },
        }
    }

    /// 422 for an object that fails validation: `Kind "name" is invalid: [causes]`.
    pub fn invalid(group: &str, kind: &str, name: &str, causes: &[FieldError]) -> Self {
        let list: Vec<String> = causes.iter().map(FieldError::to_string).collect();
        let joined = if list.len() == 1 {
            list[0].clone()
        } else {
            format!("[{}]", list.join(", "))
        };
        let mut d = details(name, group, kind);
        d.insert(
            "causes".into(),
            Value::Array(
                causes
                    .iter()
                    .map(|c| {
                        json!({"reason": c.kind.reason(), "message": c.message_only(), "field": c.field})
                    })
                    .collect(),
            ),
        );
        ApiError {
            text_body: false,
            code: 422,
            reason: "Invalid".into(),
            message: format!("{kind} \"{name}\" is invalid: {joined}"),
            details: Box::new(d),
        }
    }
}

/// The kinds of field error upstream's `field.ErrorType` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldErrorKind {
    /// `Required value`.
    Required,
    /// `Invalid value`.
    Invalid,
    /// `Unsupported value`.
    NotSupported,
    /// `Forbidden`.
    Forbidden,
    /// `Duplicate value`.
    Duplicate,
    /// `Too long` (the value is never shown).
    TooLong,
    /// `Not found`.
    NotFound,
    /// `Too many` (the value is the count; the detail says the limit).
    TooMany,
}

impl FieldErrorKind {
    fn label(self) -> &'static str {
        match self {
            FieldErrorKind::Required => "Required value",
            FieldErrorKind::Invalid => "Invalid value",
            FieldErrorKind::NotSupported => "Unsupported value",
            FieldErrorKind::Forbidden => "Forbidden",
            FieldErrorKind::Duplicate => "Duplicate value",
            FieldErrorKind::TooLong => "Too long",
            FieldErrorKind::NotFound => "Not found",
            FieldErrorKind::TooMany => "Too many",
        }
    }
    fn reason(self) -> &'static str {
        match self {
            FieldErrorKind::Required => "FieldValueRequired",
            FieldErrorKind::Invalid => "FieldValueInvalid",
            FieldErrorKind::NotSupported => "FieldValueNotSupported",
            FieldErrorKind::Forbidden => "FieldValueForbidden",
            FieldErrorKind::Duplicate => "FieldValueDuplicate",
            FieldErrorKind::TooLong => "FieldValueTooLong",
            FieldErrorKind::NotFound => "FieldValueNotFound",
            FieldErrorKind::TooMany => "FieldValueTooMany",
        }
    }
}

/// One field error, printed as upstream's `field.Error`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// Its type.
    pub kind: FieldErrorKind,
    /// The field path, e.g. `metadata.name`.
    pub field: String,
    /// The offending value, already rendered as upstream quotes it (empty for none).
    pub value: Option<String>,
    /// The detail text.
    pub detail: String,
}

impl FieldError {
    fn message_only(&self) -> String {
        let mut s = self.kind.label().to_string();
        if let Some(v) = &self.value {
            s.push_str(": ");
            s.push_str(v);
        }
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message_only())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_bodies_match_upstream() {
        let e = ApiError::forbidden(
            "",
            "pods",
            "",
            "User \"dev-user\" cannot create resource \"pods\" in API group \"\" in the namespace \"blue\"",
        );
        assert_eq!(
            serde_json::to_string(&e.status()).unwrap(),
            r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods is forbidden: User \"dev-user\" cannot create resource \"pods\" in API group \"\" in the namespace \"blue\"","reason":"Forbidden","details":{"kind":"pods"},"code":403}"#
        );
        let e = ApiError::forbidden("apps", "deployments", "d", "x");
        assert_eq!(e.message, "deployments.apps \"d\" is forbidden: x");
        assert_eq!(
            serde_json::to_string(&e.status()["details"]).unwrap(),
            r#"{"name":"d","group":"apps","kind":"deployments"}"#
        );
        let e = ApiError::forbidden("", "", "", "User \"u\" cannot get path \"/healthz\"");
        assert_eq!(
            e.message,
            "forbidden: User \"u\" cannot get path \"/healthz\""
        );
        assert_eq!(e.status()["details"], json!({}));
    }

    #[test]
    fn unauthorized_has_no_details() {
        assert_eq!(
            serde_json::to_string(&ApiError::unauthorized().status()).unwrap(),
            r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#
        );
    }

    #[test]
    fn invalid_joins_causes() {
        let causes = [FieldError {
            kind: FieldErrorKind::Required,
            field: "metadata.name".into(),
            value: None,
            detail: "name or generateName is required".into(),
        }];
        let e = ApiError::invalid("", "Pod", "", &causes);
        assert_eq!(
            e.message,
            "Pod \"\" is invalid: metadata.name: Required value: name or generateName is required"
        );
        assert_eq!(e.code, 422);
    }
}

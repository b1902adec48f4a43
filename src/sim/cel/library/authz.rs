//! `kubernetes.authz` (`pkg/cel/library/authz.go`): authorization checks from CEL, answered by
//! kubegate's own authorizer chain (RBAC, Node, ABAC, webhooks) for the request's user, or for
//! a service account.
//!
//! `authorizer.path(p)`, `authorizer.group(g)`, `authorizer.serviceAccount(ns, name)`,
//! `.resource(r)`, `.subresource(s)`, `.namespace(ns)`, `.name(n)`, `.fieldSelector(s)`,
//! `.labelSelector(s)`, `.check(verb)` and, on a decision, `.allowed()`, `.reason()`,
//! `.errored()`, `.error()`; `authorizer.requestResource` is the request's own resource.
//!
//! The crate's functions cannot call out while an expression runs, so a check is answered the
//! way a cache is filled: the first time an expression asks something, the evaluation notes the
//! question and fails; the caller has the chain answer every question noted, and runs the
//! expression again (CEL has no side effects, so the second run is the same with the answers
//! known). Upstream also answers each question once per request (a caching authorizer).

use std::cell::RefCell;

use cel::common::types::{CelBool, CelString, Type};
use cel::common::value::{StaticVal, Val};
use cel::{DeclarationError, Env, ExecutionError};

/// What `check` costs (`authz` library: about 2 checks fit in one expression's limit).
pub const CHECK_COST: u64 = 350_000;

/// One authorization question.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Check {
    /// The service account asking (`None`: the request's user).
    pub service_account: Option<(String, String)>,
    /// A non-resource request's path (empty for a resource request).
    pub path: String,
    pub verb: String,
    pub group: String,
    pub resource: String,
    pub subresource: String,
    pub namespace: String,
    pub name: String,
    pub field_selector: String,
    pub label_selector: String,
}

/// The chain's answer.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Answer {
    pub allowed: bool,
    /// `allow`, `deny` or `noOpinion`.
    pub decision: String,
    pub reason: String,
    pub error: String,
}

thread_local! {
    static ANSWERS: RefCell<Vec<(Check, Answer)>> = const { RefCell::new(Vec::new()) };
    static PENDING: RefCell<Vec<Check>> = const { RefCell::new(Vec::new()) };
}

/// The answers known to the running evaluation (set by the caller, taken back after).
pub fn set_answers(answers: Vec<(Check, Answer)>) {
    ANSWERS.with(|a| *a.borrow_mut() = answers);
}

/// The answers, taken back.
pub fn take_answers() -> Vec<(Check, Answer)> {
    ANSWERS.with(|a| std::mem::take(&mut *a.borrow_mut()))
}

/// The questions the last run asked that had no answer yet.
pub fn take_pending() -> Vec<Check> {
    PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()))
}

/// The text of a pending question's error (not shown: the expression runs again).
pub const PENDING_ERROR: &str = "kubegate: an authorization check is being answered";

macro_rules! opaque {
    ($name:ident, $ty:ident, $cel:literal) => {
        static $ty: Type = Type::new_unspecified_type($cel);
        impl Val for $name {
            fn get_type(&self) -> &Type {
                &$ty
            }
            fn cel_type() -> &'static Type {
                &$ty
            }
            fn equals(&self, other: &dyn Val) -> bool {
                other.downcast_ref::<$name>().is_some_and(|o| o == self)
            }
            fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v> {
                Box::new(self.clone())
            }
            fn as_any(&self) -> Option<&dyn std::any::Any> {
                Some(self)
            }
        }
        impl StaticVal for $name {}
    };
}

/// `kubernetes.authorization.Authorizer`: who checks (the request's user, or a service
/// account), and the request's own resource.
#[derive(Clone, Debug, PartialEq)]
pub struct Authorizer {
    pub service_account: Option<(String, String)>,
    pub request_resource: ResourceCheck,
}

static AUTHORIZER: Type = Type::new_unspecified_type("kubernetes.authorization.Authorizer");

impl Val for Authorizer {
    fn get_type(&self) -> &Type {
        &AUTHORIZER
    }
    fn cel_type() -> &'static Type {
        &AUTHORIZER
    }
    fn equals(&self, other: &dyn Val) -> bool {
        other
            .downcast_ref::<Authorizer>()
            .is_some_and(|o| o == self)
    }
    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v> {
        Box::new(self.clone())
    }
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
    fn as_indexer<'b, 'w>(&'b self) -> Option<&'b (dyn cel::common::traits::Indexer + 'w)>
    where
        Self: 'w,
    {
        Some(self)
    }
}

impl StaticVal for Authorizer {}

impl cel::common::traits::Indexer for Authorizer {
    fn get<'b, 'v>(
        &'b self,
        idx: &dyn Val,
    ) -> Result<cel::common::value::CowVal<'b, 'v>, ExecutionError> {
        match idx.downcast_ref::<CelString>().map(|s| s.inner()) {
            Some("requestResource") => Ok(cel::common::value::CowVal::owned(
                self.request_resource.clone(),
            )),
            Some(other) => Err(ExecutionError::no_such_key(other)),
            None => Err(ExecutionError::no_such_key("")),
        }
    }
    fn steal<'v>(self: Box<Self>, idx: &dyn Val) -> Result<Box<dyn Val + 'v>, ExecutionError>
    where
        Self: 'v,
    {
        self.get(idx).map(|v| v.into_owned())
    }
}

/// `kubernetes.authorization.PathCheck`.
#[derive(Clone, Debug, PartialEq)]
pub struct PathCheck {
    service_account: Option<(String, String)>,
    path: String,
}
opaque!(PathCheck, PATH_CHECK, "kubernetes.authorization.PathCheck");

/// `kubernetes.authorization.GroupCheck`.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupCheck {
    service_account: Option<(String, String)>,
    group: String,
}
opaque!(
    GroupCheck,
    GROUP_CHECK,
    "kubernetes.authorization.GroupCheck"
);

/// `kubernetes.authorization.ResourceCheck`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ResourceCheck {
    pub service_account: Option<(String, String)>,
    pub group: String,
    pub resource: String,
    pub subresource: String,
    pub namespace: String,
    pub name: String,
    pub field_selector: String,
    pub label_selector: String,
}
opaque!(
    ResourceCheck,
    RESOURCE_CHECK,
    "kubernetes.authorization.ResourceCheck"
);

/// `kubernetes.authorization.Decision`.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision(Answer);
opaque!(Decision, DECISION, "kubernetes.authorization.Decision");

/// Adds the library to `env`.
pub fn install(env: &mut Env) -> Result<(), DeclarationError> {
    for t in [
        &AUTHORIZER,
        &PATH_CHECK,
        &GROUP_CHECK,
        &RESOURCE_CHECK,
        &DECISION,
    ] {
        env.add_type(t.to_owned())?;
    }
    cel::add_member_overload!(env, fn path: (Authorizer, CelString) -> Result<PathCheck>)?;
    cel::add_member_overload!(env, fn group: (Authorizer, CelString) -> GroupCheck)?;
    cel::add_member_overload!(env, fn service_account: (Authorizer, CelString, CelString) -> Result<Authorizer>)?;
    cel::add_member_overload!(env, fn resource: (GroupCheck, CelString) -> Result<ResourceCheck>)?;
    cel::add_member_overload!(env, fn subresource: (ResourceCheck, CelString) -> ResourceCheck)?;
    cel::add_member_overload!(env, fn namespace: (ResourceCheck, CelString) -> ResourceCheck)?;
    cel::add_member_overload!(env, fn name: (ResourceCheck, CelString) -> ResourceCheck)?;
    cel::add_member_overload!(env, fn field_selector: (ResourceCheck, CelString) -> ResourceCheck)?;
    cel::add_member_overload!(env, fn label_selector: (ResourceCheck, CelString) -> ResourceCheck)?;
    cel::add_member_overload!(env, fn check_path: (PathCheck, CelString) -> Result<Decision>, name = "check")?;
    cel::add_member_overload!(env, fn check_resource: (ResourceCheck, CelString) -> Result<Decision>, name = "check")?;
    cel::add_member_overload!(env, fn allowed: (Decision) -> CelBool)?;
    cel::add_member_overload!(env, fn reason: (Decision) -> CelString)?;
    cel::add_member_overload!(env, fn errored: (Decision) -> CelBool)?;
    cel::add_member_overload!(env, fn error: (Decision) -> CelString)?;
    Ok(())
}

fn path(a: &Authorizer, p: &CelString<'_>) -> Result<PathCheck, ExecutionError> {
    if p.inner().trim().is_empty() {
        return Err(ExecutionError::function_error(
            "path",
            "path must not be empty",
        ));
    }
    Ok(PathCheck {
        service_account: a.service_account.clone(),
        path: p.inner().to_string(),
    })
}

fn group(a: &Authorizer, g: &CelString<'_>) -> GroupCheck {
    GroupCheck {
        service_account: a.service_account.clone(),
        group: g.inner().to_string(),
    }
}

fn service_account(
    a: &Authorizer,
    namespace: &CelString<'_>,
    name: &CelString<'_>,
) -> Result<Authorizer, ExecutionError> {
    if !crate::sim::validation::is_dns1123_subdomain(name.inner()) {
        return Err(ExecutionError::function_error(
            "serviceAccount",
            "Invalid service account name",
        ));
    }
    if !crate::sim::validation::is_label(namespace.inner()) {
        return Err(ExecutionError::function_error(
            "serviceAccount",
            "Invalid service account namespace",
        ));
    }
    Ok(Authorizer {
        service_account: Some((namespace.inner().to_string(), name.inner().to_string())),
        request_resource: a.request_resource.clone(),
    })
}

fn resource(g: &GroupCheck, r: &CelString<'_>) -> Result<ResourceCheck, ExecutionError> {
    if r.inner().trim().is_empty() {
        return Err(ExecutionError::function_error(
            "resource",
            "resource must not be empty",
        ));
    }
    Ok(ResourceCheck {
        service_account: g.service_account.clone(),
        group: g.group.clone(),
        resource: r.inner().to_string(),
        ..Default::default()
    })
}

fn with(r: &ResourceCheck, f: impl FnOnce(&mut ResourceCheck)) -> ResourceCheck {
    let mut out = r.clone();
    f(&mut out);
    out
}

fn subresource(r: &ResourceCheck, s: &CelString<'_>) -> ResourceCheck {
    with(r, |o| o.subresource = s.inner().to_string())
}

fn namespace(r: &ResourceCheck, s: &CelString<'_>) -> ResourceCheck {
    with(r, |o| o.namespace = s.inner().to_string())
}

fn name(r: &ResourceCheck, s: &CelString<'_>) -> ResourceCheck {
    with(r, |o| o.name = s.inner().to_string())
}

fn field_selector(r: &ResourceCheck, s: &CelString<'_>) -> ResourceCheck {
    with(r, |o| o.field_selector = s.inner().to_string())
}

fn label_selector(r: &ResourceCheck, s: &CelString<'_>) -> ResourceCheck {
    with(r, |o| o.label_selector = s.inner().to_string())
}

/// Answers a question from what is known, or notes it and fails (see the module's text).
fn ask(check: Check) -> Result<Decision, ExecutionError> {
    super::super::charge(CHECK_COST)?;
    if let Some(answer) = ANSWERS.with(|a| {
        a.borrow()
            .iter()
            .find(|(c, _)| *c == check)
            .map(|(_, ans)| ans.clone())
    }) {
        return Ok(Decision(answer));
    }
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        if !p.contains(&check) {
            p.push(check);
        }
    });
    Err(ExecutionError::function_error("check", PENDING_ERROR))
}

fn check_path(p: &PathCheck, verb: &CelString<'_>) -> Result<Decision, ExecutionError> {
    ask(Check {
        service_account: p.service_account.clone(),
        path: p.path.clone(),
        verb: verb.inner().to_string(),
        ..Default::default()
    })
}

fn check_resource(r: &ResourceCheck, verb: &CelString<'_>) -> Result<Decision, ExecutionError> {
    ask(Check {
        service_account: r.service_account.clone(),
        path: String::new(),
        verb: verb.inner().to_string(),
        group: r.group.clone(),
        resource: r.resource.clone(),
        subresource: r.subresource.clone(),
        namespace: r.namespace.clone(),
        name: r.name.clone(),
        field_selector: r.field_selector.clone(),
        label_selector: r.label_selector.clone(),
    })
}

fn allowed(d: &Decision) -> CelBool {
    CelBool::from(d.0.allowed)
}

fn reason(d: &Decision) -> CelString<'static> {
    CelString::from(d.0.reason.clone())
}

fn errored(d: &Decision) -> CelBool {
    CelBool::from(!d.0.error.is_empty())
}

fn error(d: &Decision) -> CelString<'static> {
    CelString::from(d.0.error.clone())
}

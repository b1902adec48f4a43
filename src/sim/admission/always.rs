//! AlwaysAdmit and AlwaysDeny (`plugin/pkg/admission/admit`, `plugin/pkg/admission/deny`):
//! deprecated plugins kept for tests, which let everything through or refuse every request.
//! See <https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#alwaysdeny>.

use super::{Attributes, Context, Verdict};

/// AlwaysAdmit's `Admit`.
pub fn admit_all(_: &mut Context<'_>, _: &mut Attributes<'_>) -> Verdict {
    Verdict::Admit("admits every request".into())
}

/// AlwaysAdmit's `Validate`.
pub fn validate_all(_: &mut Context<'_>, _: &Attributes<'_>) -> Verdict {
    Verdict::Admit("admits every request".into())
}

/// AlwaysDeny's `Admit`.
pub fn deny_admit(_: &mut Context<'_>, a: &mut Attributes<'_>) -> Verdict {
    deny(a)
}

/// AlwaysDeny's `Validate`.
pub fn deny_validate(_: &mut Context<'_>, a: &Attributes<'_>) -> Verdict {
    deny(a)
}

fn deny(a: &Attributes<'_>) -> Verdict {
    Verdict::Reject(a.forbidden("admission control is denying all modifications"))
}

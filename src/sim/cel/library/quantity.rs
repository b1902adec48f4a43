//! `kubernetes.quantity` (`pkg/cel/library/quantity.go`): resource quantities in CEL, held
//! exactly as kubegate holds them elsewhere ([`crate::sim::quantity::Quantity`]).
//!
//! `quantity(string)`, `isQuantity(string)`, and on a quantity: `isInteger()`, `asInteger()`,
//! `asApproximateFloat()`, `add(quantity|int)`, `sub(quantity|int)`, `isGreaterThan(q)`,
//! `isLessThan(q)`, `compareTo(q)`; `sign(q)` is a global function upstream (the member form
//! does not type-check there). `==` compares values (`quantity('200M') == quantity('0.2G')`);
//! `<` and friends are not defined on quantities, as upstream.

use cel::common::types::{CelBool, CelDouble, CelInt, CelString, Type};
use cel::common::value::{StaticVal, Val};
use cel::{DeclarationError, Env, ExecutionError};

use crate::sim::quantity::{Quantity as Q, NANO};

static QUANTITY: Type = Type::new_unspecified_type("kubernetes.Quantity");

/// A quantity as a CEL value: exact when kubegate can hold it (up to ~1.7e29), otherwise
/// only its approximate value (Go's `resource.Quantity` holds any size; such a quantity is
/// never an integer CEL can hold, and compares by its value).
#[derive(Clone, Copy, Debug)]
pub struct Quantity {
    exact: Option<Q>,
    approx: f64,
}

impl Quantity {
    fn exact(q: Q) -> Self {
        Quantity {
            exact: Some(q),
            approx: q.nanos as f64 / NANO as f64,
        }
    }

    fn order(&self, other: &Quantity) -> std::cmp::Ordering {
        match (self.exact, other.exact) {
            (Some(a), Some(b)) => a.nanos.cmp(&b.nanos),
            _ => self
                .approx
                .partial_cmp(&other.approx)
                .unwrap_or(std::cmp::Ordering::Equal),
        }
    }
}

/// The approximate value of a quantity text too large to hold exactly (its syntax checked).
fn approximate(text: &str) -> Option<f64> {
    let num_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(text.len());
    let (num, suffix) = text.split_at(num_end);
    let n: f64 = num.parse().ok()?;
    let scale = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        e => 10f64.powi(e.get(1..)?.parse::<i32>().ok()?),
    };
    Some(n * scale)
}

impl Val for Quantity {
    fn get_type(&self) -> &Type {
        &QUANTITY
    }
    fn cel_type() -> &'static Type {
        &QUANTITY
    }
    fn equals(&self, other: &dyn Val) -> bool {
        other
            .downcast_ref::<Quantity>()
            .is_some_and(|o| o.order(self).is_eq())
    }
    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v> {
        Box::new(*self)
    }
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

impl StaticVal for Quantity {}

/// Adds the library to `env`.
pub fn install(env: &mut Env) -> Result<(), DeclarationError> {
    env.add_type(QUANTITY.to_owned())?;
    cel::add_overload!(env, fn quantity: (CelString) -> Result<Quantity>)?;
    cel::add_overload!(env, fn is_quantity: (CelString) -> CelBool, name = "isQuantity")?;
    cel::add_overload!(env, fn sign: (Quantity) -> CelInt)?;
    cel::add_member_overload!(env, fn is_integer: (Quantity) -> CelBool)?;
    cel::add_member_overload!(env, fn as_integer: (Quantity) -> Result<CelInt>)?;
    cel::add_member_overload!(env, fn as_approximate_float: (Quantity) -> CelDouble)?;
    cel::add_member_overload!(env, fn add_q: (Quantity, Quantity) -> Result<Quantity>, name = "add")?;
    cel::add_member_overload!(env, fn add_int: (Quantity, CelInt) -> Result<Quantity>, name = "add")?;
    cel::add_member_overload!(env, fn sub_q: (Quantity, Quantity) -> Result<Quantity>, name = "sub")?;
    cel::add_member_overload!(env, fn sub_int: (Quantity, CelInt) -> Result<Quantity>, name = "sub")?;
    cel::add_member_overload!(env, fn is_greater_than: (Quantity, Quantity) -> CelBool)?;
    cel::add_member_overload!(env, fn is_less_than: (Quantity, Quantity) -> CelBool)?;
    cel::add_member_overload!(env, fn compare_to: (Quantity, Quantity) -> CelInt)?;
    Ok(())
}

fn quantity(s: &CelString<'_>) -> Result<Quantity, ExecutionError> {
    const FORMAT: &str = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    let text = s.inner();
    if text != text.trim() {
        return Err(ExecutionError::function_error("quantity", FORMAT));
    }
    if let Some(q) = Q::parse(text) {
        return Ok(Quantity::exact(q));
    }
    match Q::problem(text) {
        Some(p) if p.starts_with("kubegate") => approximate(text)
            .map(|approx| Quantity {
                exact: None,
                approx,
            })
            .ok_or_else(|| ExecutionError::function_error("quantity", p)),
        p => Err(ExecutionError::function_error(
            "quantity",
            p.unwrap_or(FORMAT),
        )),
    }
}

fn is_quantity(s: &CelString<'_>) -> CelBool {
    CelBool::from(quantity(s).is_ok())
}

fn sign(q: &Quantity) -> CelInt {
    CelInt::from(match q.exact {
        Some(e) => e.nanos.signum() as i64,
        None => q.approx.signum() as i64,
    })
}

/// The quantity as an int64, when it is a whole number that fits (`AsInt64`).
fn whole(q: &Quantity) -> Option<i64> {
    let q = q.exact?;
    if q.nanos % NANO != 0 {
        return None;
    }
    i64::try_from(q.nanos / NANO).ok()
}

fn is_integer(q: &Quantity) -> CelBool {
    CelBool::from(whole(q).is_some())
}

fn as_integer(q: &Quantity) -> Result<CelInt, ExecutionError> {
    whole(q).map(CelInt::from).ok_or_else(|| {
        ExecutionError::function_error("asInteger", "cannot convert value to integer")
    })
}

fn as_approximate_float(q: &Quantity) -> CelDouble {
    CelDouble::from(q.approx)
}

/// `a + b` (or `a - b`): exact while both are, and the sum fits; approximate otherwise.
fn combined(a: &Quantity, b: &Quantity, negate: bool) -> Result<Quantity, ExecutionError> {
    let approx = if negate {
        a.approx - b.approx
    } else {
        a.approx + b.approx
    };
    let (Some(mut out), Some(b)) = (a.exact, b.exact) else {
        return Ok(Quantity {
            exact: None,
            approx,
        });
    };
    let nanos = if negate {
        b.nanos.checked_neg()
    } else {
        Some(b.nanos)
    };
    match nanos.and_then(|n| out.nanos.checked_add(n)) {
        Some(n) => {
            if out.nanos == 0 {
                out.format = b.format;
            }
            out.nanos = n;
            Ok(Quantity::exact(out))
        }
        None => Ok(Quantity {
            exact: None,
            approx,
        }),
    }
}

fn int_quantity(n: &CelInt) -> Quantity {
    Quantity::exact(Q {
        nanos: i128::from(*n.inner()) * NANO,
        format: crate::sim::quantity::QFormat::DecimalSI,
    })
}

fn add_q(a: &Quantity, b: &Quantity) -> Result<Quantity, ExecutionError> {
    combined(a, b, false)
}

fn add_int(a: &Quantity, b: &CelInt) -> Result<Quantity, ExecutionError> {
    combined(a, &int_quantity(b), false)
}

fn sub_q(a: &Quantity, b: &Quantity) -> Result<Quantity, ExecutionError> {
    combined(a, b, true)
}

fn sub_int(a: &Quantity, b: &CelInt) -> Result<Quantity, ExecutionError> {
    combined(a, &int_quantity(b), true)
}

fn is_greater_than(a: &Quantity, b: &Quantity) -> CelBool {
    CelBool::from(a.order(b).is_gt())
}

fn is_less_than(a: &Quantity, b: &Quantity) -> CelBool {
    CelBool::from(a.order(b).is_lt())
}

fn compare_to(a: &Quantity, b: &Quantity) -> CelInt {
    CelInt::from(match a.order(b) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    })
}

//! The Kubernetes CEL libraries (`k8s.io/apiserver/pkg/cel/library`) and cel-go's `ext.Sets`,
//! which the crate does not have, written from upstream's documentation and tests: each
//! function's name, receiver, argument types, result and error text as upstream's.
//!
//! In this module: lists (`isSorted`, `sum`, `min`, `max`, `indexOf`, `lastIndexOf`), regex
//! (`matches`, `find`, `findAll`, RE2 syntax through regex-lite) and sets. The others have
//! modules of their own: [`quantity`], [`url`] (URLs), [`net`] (IP addresses and CIDRs),
//! [`semver`] (semantic versions), [`format`] (named string formats) and [`authz`] (the
//! authorizer).

pub mod authz;
pub mod format;
pub mod net;
pub mod quantity;
pub mod semver;
pub mod url;

use std::cmp::Ordering;

use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelString, CelUInt, Kind, LIST_TYPE,
};
use cel::common::value::{CowVal, Val};
use cel::{DeclarationError, Env, ExecutionError};

/// Adds the libraries to `env`.
pub fn install(env: &mut Env) -> Result<(), DeclarationError> {
    // kubernetes.lists
    env.add_member_overload("isSorted", "list_is_sorted", LIST_TYPE, vec![], is_sorted)?;
    env.add_member_overload("sum", "list_sum", LIST_TYPE, vec![], sum)?;
    env.add_member_overload("min", "list_min", LIST_TYPE, vec![], min)?;
    env.add_member_overload("max", "list_max", LIST_TYPE, vec![], max)?;
    use cel::common::types::DYN_TYPE;
    env.add_member_overload(
        "indexOf",
        "list_index_of",
        LIST_TYPE,
        vec![DYN_TYPE],
        index_of,
    )?;
    env.add_member_overload(
        "lastIndexOf",
        "list_last_index_of",
        LIST_TYPE,
        vec![DYN_TYPE],
        last_index_of,
    )?;
    // kubernetes.regex (and the standard `matches`, which the crate has only with `regex`)
    cel::add_member_overload!(env, fn matches: (CelString, CelString) -> Result<CelBool>)?;
    cel::add_overload!(env, fn matches_global: (CelString, CelString) -> Result<CelBool>, name = "matches", id = "matches_string")?;
    cel::add_member_overload!(env, fn find: (CelString, CelString) -> Result<CelString>)?;
    cel::add_member_overload!(env, fn find_all: (CelString, CelString) -> Result<CelList>)?;
    cel::add_member_overload!(env, fn find_all_n: (CelString, CelString, CelInt) -> Result<CelList>, name = "findAll")?;
    // ext.Sets
    env.add_overload(
        "sets.contains",
        "list_sets_contains_list",
        vec![LIST_TYPE, LIST_TYPE],
        sets_contains,
    )?;
    env.add_overload(
        "sets.equivalent",
        "list_sets_equivalent_list",
        vec![LIST_TYPE, LIST_TYPE],
        sets_equivalent,
    )?;
    env.add_overload(
        "sets.intersects",
        "list_sets_intersects_list",
        vec![LIST_TYPE, LIST_TYPE],
        sets_intersects,
    )?;
    quantity::install(env)?;
    url::install(env)?;
    net::install(env)?;
    semver::install(env)?;
    format::install(env)?;
    authz::install(env)?;
    Ok(())
}

/// The elements of a list argument.
fn elements<'a, 'v>(list: &'a (dyn Val + 'v)) -> Result<Vec<&'a (dyn Val + 'v)>, ExecutionError> {
    let iterable = list
        .as_iterable()
        .ok_or_else(|| ExecutionError::no_such_overload("list", vec![]))?;
    let mut it = iterable.iter();
    let mut out = Vec::new();
    while let Some(v) = it.next() {
        out.push(v);
    }
    Ok(out)
}

/// `a` against `b` by CEL's ordering; an error when they do not compare.
fn compare(a: &dyn Val, b: &dyn Val) -> Result<Ordering, ExecutionError> {
    a.as_comparer()
        .ok_or_else(|| ExecutionError::no_such_overload("_<_", vec![]))?
        .compare(b)
}

fn args2<'b, 'v>(
    args: Vec<CowVal<'b, 'v>>,
) -> Result<(CowVal<'b, 'v>, CowVal<'b, 'v>), ExecutionError> {
    let n = args.len();
    let mut it = args.into_iter();
    match (it.next(), it.next(), it.next()) {
        (Some(a), Some(b), None) => Ok((a, b)),
        _ => Err(ExecutionError::invalid_argument_count(2, n)),
    }
}

fn arg1<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let n = args.len();
    let mut it = args.into_iter();
    match (it.next(), it.next()) {
        (Some(a), None) => Ok(a),
        _ => Err(ExecutionError::invalid_argument_count(1, n)),
    }
}

/// `<list>.isSorted()`: whether each element is ≤ the next.
fn is_sorted<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let list = arg1(args)?;
    let items = elements(list.as_ref())?;
    for pair in items.windows(2) {
        if compare(pair[0], pair[1])? == Ordering::Greater {
            return Ok(CowVal::owned(CelBool::from(false)));
        }
    }
    Ok(CowVal::owned(CelBool::from(true)))
}

/// `<list>.sum()`: of ints, uints or doubles; an empty list sums to `0`.
fn sum<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let list = arg1(args)?;
    let items = elements(list.as_ref())?;
    let Some(first) = items.first() else {
        return Ok(CowVal::owned(CelInt::from(0)));
    };
    match first.get_type().kind() {
        Kind::Int => {
            let mut total: i64 = 0;
            for v in &items {
                let n = v
                    .downcast_ref::<CelInt>()
                    .ok_or_else(|| ExecutionError::no_such_overload("sum", vec![]))?;
                total = total
                    .checked_add(*n.inner())
                    .ok_or_else(|| ExecutionError::function_error("sum", "integer overflow"))?;
            }
            Ok(CowVal::owned(CelInt::from(total)))
        }
        Kind::UInt => {
            let mut total: u64 = 0;
            for v in &items {
                let n = v
                    .downcast_ref::<CelUInt>()
                    .ok_or_else(|| ExecutionError::no_such_overload("sum", vec![]))?;
                total = total.checked_add(*n.inner()).ok_or_else(|| {
                    ExecutionError::function_error("sum", "unsigned integer overflow")
                })?;
            }
            Ok(CowVal::owned(CelUInt::from(total)))
        }
        Kind::Double => {
            let mut total = 0.0;
            for v in &items {
                let n = v
                    .downcast_ref::<CelDouble>()
                    .ok_or_else(|| ExecutionError::no_such_overload("sum", vec![]))?;
                total += *n.inner();
            }
            Ok(CowVal::owned(CelDouble::from(total)))
        }
        _ => Err(ExecutionError::no_such_overload("sum", vec![])),
    }
}

fn extreme<'b, 'v>(
    args: Vec<CowVal<'b, 'v>>,
    name: &str,
    keep: Ordering,
) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let list = arg1(args)?;
    let items = elements(list.as_ref())?;
    let Some(mut best) = items.first().copied() else {
        return Err(ExecutionError::function_error(
            name,
            format!("{name} called on empty list"),
        ));
    };
    for v in &items[1..] {
        if compare(*v, best)? == keep {
            best = *v;
        }
    }
    Ok(CowVal::Owned(best.clone_as_boxed()))
}

/// `<list>.min()`: an empty list is an error.
fn min<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    extreme(args, "min", Ordering::Less)
}

/// `<list>.max()`: an empty list is an error.
fn max<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    extreme(args, "max", Ordering::Greater)
}

fn position<'b, 'v>(
    args: Vec<CowVal<'b, 'v>>,
    last: bool,
) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let (list, needle) = args2(args)?;
    let items = elements(list.as_ref())?;
    let found = if last {
        items.iter().rposition(|v| v.equals(needle.as_ref()))
    } else {
        items.iter().position(|v| v.equals(needle.as_ref()))
    };
    Ok(CowVal::owned(CelInt::from(found.map_or(-1, |i| i as i64))))
}

/// `<list>.indexOf(x)`: the first index of an element equal to `x`, else -1.
fn index_of<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    position(args, false)
}

/// `<list>.lastIndexOf(x)`: the last index of an element equal to `x`, else -1.
fn last_index_of<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    position(args, true)
}

thread_local! {
    /// Compiled patterns, by source (a policy runs the same few on every request).
    static PATTERNS: std::cell::RefCell<Vec<(String, regex_lite::Regex)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The most patterns kept compiled.
const KEPT_PATTERNS: usize = 64;

/// A pattern compiled (RE2 syntax, as Go's `regexp`), or the error text `prefix` introduces.
fn regex(pattern: &str, function: &str) -> Result<regex_lite::Regex, ExecutionError> {
    if let Some(re) = PATTERNS.with(|p| {
        p.borrow()
            .iter()
            .find(|(s, _)| s == pattern)
            .map(|(_, r)| r.clone())
    }) {
        return Ok(re);
    }
    let re = regex_lite::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| {
            let text = e.to_string();
            let first = text.lines().last().unwrap_or(&text).trim().to_string();
            ExecutionError::function_error(
                function,
                if function == "matches" {
                    format!("error parsing regexp: {first}: `{pattern}`")
                } else {
                    format!("Illegal regex: error parsing regexp: {first}: `{pattern}`")
                },
            )
        })?;
    PATTERNS.with(|p| {
        let mut p = p.borrow_mut();
        if p.len() >= KEPT_PATTERNS {
            p.remove(0);
        }
        p.push((pattern.to_string(), re.clone()));
    });
    Ok(re)
}

/// `<string>.matches(<string>)`: whether the pattern matches anywhere in the string.
fn matches(this: &CelString<'_>, re: &CelString<'_>) -> Result<CelBool, ExecutionError> {
    Ok(CelBool::from(
        regex(re.inner(), "matches")?.is_match(this.inner()),
    ))
}

/// `matches(<string>, <string>)`, the global form.
fn matches_global(this: &CelString<'_>, re: &CelString<'_>) -> Result<CelBool, ExecutionError> {
    matches(this, re)
}

/// `<string>.find(<string>)`: the leftmost match, or `''`.
fn find(this: &CelString<'_>, re: &CelString<'_>) -> Result<CelString<'static>, ExecutionError> {
    let re = regex(re.inner(), "find")?;
    Ok(CelString::from(
        re.find(this.inner())
            .map_or(String::new(), |m| m.as_str().to_string()),
    ))
}

fn find_all_up_to(this: &str, re: &str, n: i64) -> Result<CelList<'static>, ExecutionError> {
    let re = regex(re, "findAll")?;
    let limit = if n < 0 { usize::MAX } else { n as usize };
    let found: Vec<Box<dyn Val>> = re
        .find_iter(this)
        .take(limit)
        .map(|m| Box::new(CelString::from(m.as_str().to_string())) as Box<dyn Val>)
        .collect();
    Ok(CelList::from(found))
}

/// `<string>.findAll(<string>)`: every match.
fn find_all(this: &CelString<'_>, re: &CelString<'_>) -> Result<CelList<'static>, ExecutionError> {
    find_all_up_to(this.inner(), re.inner(), -1)
}

/// `<string>.findAll(<string>, <int>)`: up to n matches (all when n < 0).
fn find_all_n(
    this: &CelString<'_>,
    re: &CelString<'_>,
    n: &CelInt,
) -> Result<CelList<'static>, ExecutionError> {
    find_all_up_to(this.inner(), re.inner(), *n.inner())
}

/// `sets.contains(a, b)`: every element of b is in a (an empty b: true).
fn sets_contains<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let (a, b) = args2(args)?;
    let (a, b) = (elements(a.as_ref())?, elements(b.as_ref())?);
    let all = b.iter().all(|x| a.iter().any(|y| y.equals(*x)));
    Ok(CowVal::owned(CelBool::from(all)))
}

/// `sets.equivalent(a, b)`: each contains the other (duplicates do not count).
fn sets_equivalent<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let (a, b) = args2(args)?;
    let (a, b) = (elements(a.as_ref())?, elements(b.as_ref())?);
    let ab = b.iter().all(|x| a.iter().any(|y| y.equals(*x)));
    let ba = a.iter().all(|x| b.iter().any(|y| y.equals(*x)));
    Ok(CowVal::owned(CelBool::from(ab && ba)))
}

/// `sets.intersects(a, b)`: some element is in both (an empty list: false).
fn sets_intersects<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
    let (a, b) = args2(args)?;
    let (a, b) = (elements(a.as_ref())?, elements(b.as_ref())?);
    let any = b.iter().any(|x| a.iter().any(|y| y.equals(*x)));
    Ok(CowVal::owned(CelBool::from(any)))
}

//! Label selectors, parsed once and used everywhere a selector is: `?labelSelector=` on lists
//! and collection deletes, `kubectl -l`, and the `LabelSelector` objects inside resources
//! (ClusterRole aggregation, workloads). The grammar, the matching and every error text are
//! upstream's (`k8s.io/apimachinery/pkg/labels`, v1.35 and later), and so are the label key
//! and value rules (`IsQualifiedName`, `IsValidLabelValue`).
//! See <https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors>.

use super::yamlout::go_quote;
use serde_json::Value;

/// How a requirement compares a label (upstream's `selection.Operator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `key in (a,b)`.
    In,
    /// `key notin (a,b)`.
    NotIn,
    /// `key=a`.
    Equals,
    /// `key==a`.
    DoubleEquals,
    /// `key!=a`.
    NotEquals,
    /// `key`.
    Exists,
    /// `!key`.
    DoesNotExist,
    /// `key>5` (the label must be an integer).
    GreaterThan,
    /// `key<5`.
    LessThan,
}

/// One requirement of a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The label key.
    pub key: String,
    /// The comparison.
    pub operator: Operator,
    /// The values, as given (the parser hands them over sorted and without repeats).
    pub values: Vec<String>,
}

/// A parsed label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// Every requirement must hold; no requirements selects everything.
    All(Vec<Requirement>),
    /// Selects nothing (a missing `LabelSelector`, upstream's `labels.Nothing()`).
    Nothing,
}

impl Default for Selector {
    fn default() -> Self {
        Selector::All(Vec::new())
    }
}

impl Requirement {
    /// Whether a set of labels (a JSON object, or none) satisfies the requirement.
    pub fn matches(&self, labels: Option<&Value>) -> bool {
        let have = labels
            .and_then(|l| l.get(&self.key))
            .and_then(Value::as_str);
        let listed = |v: &str| self.values.iter().any(|x| x == v);
        match self.operator {
            Operator::In | Operator::Equals | Operator::DoubleEquals => have.is_some_and(listed),
            Operator::NotIn | Operator::NotEquals => have.is_none_or(|v| !listed(v)),
            Operator::Exists => have.is_some(),
            Operator::DoesNotExist => have.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let Some(have) = have.and_then(|v| v.parse::<i64>().ok()) else {
                    return false;
                };
                let Some(bound) = self.values.first().and_then(|v| v.parse::<i64>().ok()) else {
                    return false;
                };
                if self.operator == Operator::GreaterThan {
                    have > bound
                } else {
                    have < bound
                }
            }
        }
    }
}

impl Selector {
    /// Selects everything.
    pub fn everything() -> Selector {
        Selector::default()
    }

    /// Whether an object's labels (`metadata.labels`, or none) are selected.
    pub fn matches(&self, labels: Option<&Value>) -> bool {
        match self {
            Selector::All(reqs) => reqs.iter().all(|r| r.matches(labels)),
            Selector::Nothing => false,
        }
    }

    /// Whether the selector selects everything.
    pub fn is_everything(&self) -> bool {
        matches!(self, Selector::All(r) if r.is_empty())
    }
}

impl std::fmt::Display for Requirement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.operator == Operator::DoesNotExist {
            f.write_str("!")?;
        }
        f.write_str(&self.key)?;
        let op = match self.operator {
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => " in ",
            Operator::NotIn => " notin ",
            Operator::GreaterThan => ">",
            Operator::LessThan => "<",
            Operator::Exists | Operator::DoesNotExist => return Ok(()),
        };
        f.write_str(op)?;
        let mut values = self.values.clone();
        values.sort();
        let set = matches!(self.operator, Operator::In | Operator::NotIn);
        if set {
            f.write_str("(")?;
        }
        f.write_str(&values.join(","))?;
        if set {
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Selector::All(reqs) => {
                let parts: Vec<String> = reqs.iter().map(ToString::to_string).collect();
                f.write_str(&parts.join(","))
            }
            Selector::Nothing => Ok(()),
        }
    }
}

// ---- label keys and values ---------------------------------------------------------------

const NAME_FORMAT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const VALUE_FORMAT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const DNS1123_SUBDOMAIN_FORMAT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

/// Go's `validation.RegexError`: the message, examples and the pattern.
fn regex_error(msg: &str, format: &str, examples: &[&str]) -> String {
    let mut out = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        out.push_str(&format!("'{e}', "));
    }
    out.push_str(&format!("regex used for validation is '{format}')"));
    out
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`: alphanumerics at both ends, `-_.` inside.
fn is_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    let inner = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.');
    match (b.first(), b.last()) {
        (Some(f), Some(l)) => {
            f.is_ascii_alphanumeric() && l.is_ascii_alphanumeric() && b.iter().all(inner)
        }
        _ => false,
    }
}

/// Upstream's `IsDNS1123Subdomain`: the problems with a name, none when it is one.
pub fn dns1123_subdomain_problems(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 253 {
        errs.push("must be no more than 253 bytes".to_string());
    }
    let label_ok = |l: &str| {
        let b = l.as_bytes();
        !b.is_empty()
            && b[0].is_ascii_lowercase() | b[0].is_ascii_digit()
            && b[b.len() - 1].is_ascii_lowercase() | b[b.len() - 1].is_ascii_digit()
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
    };
    if !value.split('.').all(label_ok) {
        errs.push(regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            DNS1123_SUBDOMAIN_FORMAT,
            &["example.com"],
        ));
    }
    errs
}

/// Upstream's `IsDNS1123Label`: the problems with a label (a namespace name), none when it is one.
pub fn dns1123_label_problems(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    let b = value.as_bytes();
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let ok = b.first().is_some_and(alnum)
        && b.last().is_some_and(alnum)
        && b.iter().all(|c| alnum(c) || *c == b'-');
    if !ok {
        errs.push(regex_error(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?",
            &["my-name", "123-abc"],
        ));
    }
    errs
}

/// Upstream's `IsDNS1035Label`: the problems with a label, none when it is one.
pub fn dns1035_label_problems(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    let b = value.as_bytes();
    let ok = b.first().is_some_and(u8::is_ascii_lowercase)
        && b.last()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-');
    if !ok {
        errs.push(regex_error(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
            "[a-z]([-a-z0-9]*[a-z0-9])?",
            &["my-name", "abc-123"],
        ));
    }
    errs
}

/// Upstream's `IsQualifiedName` as label keys use it (the v1.35 wording): the problems with a
/// key, none when it is valid.
pub fn label_key_problems(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                for e in dns1123_subdomain_problems(prefix) {
                    errs.push(format!("prefix part {e}"));
                }
            }
            name
        }
        _ => {
            return vec![format!(
                "{} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(
                    "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                    NAME_FORMAT,
                    &["MyName", "my.name", "123-abc"],
                )
            )]
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 bytes".to_string());
    }
    if !is_name_part(name) {
        errs.push(format!(
            "name part {}",
            regex_error(
                "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                NAME_FORMAT,
                &["MyName", "my.name", "123-abc"],
            )
        ));
    }
    errs
}

/// Upstream's `IsValidLabelValue`: the problems with a value, none when it is valid.
pub fn label_value_problems(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push("must be no more than 63 bytes".to_string());
    }
    if !value.is_empty() && !is_name_part(value) {
        errs.push(regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            VALUE_FORMAT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// `field.Invalid(path, value, detail)` rendered as `field.Error` prints it.
fn invalid(path: &str, value: &str, detail: &str) -> String {
    format!("{path}: Invalid value: {}: {detail}", go_quote(value))
}

/// A `[]string` as the JSON upstream puts in a field error (`null` when empty).
fn json_list(values: &[String]) -> String {
    if values.is_empty() {
        "null".into()
    } else {
        serde_json::to_string(values).unwrap_or_default()
    }
}

/// Upstream's `ErrorList.ToAggregate().Error()`: one message, or several in brackets, each
/// once.
fn aggregate(errs: Vec<String>) -> Result<(), String> {
    let mut unique: Vec<String> = Vec::new();
    for e in errs {
        if !unique.contains(&e) {
            unique.push(e);
        }
    }
    match unique.len() {
        0 => Ok(()),
        1 => Err(unique.remove(0)),
        _ => Err(format!("[{}]", unique.join(", "))),
    }
}

/// Upstream's `NewRequirement`: checks the key, the number of values for the operator, the
/// values themselves, and reports every problem.
pub fn new_requirement(
    key: &str,
    operator: Operator,
    values: Vec<String>,
) -> Result<Requirement, String> {
    let mut errs = Vec::new();
    let key_problems = label_key_problems(key);
    if !key_problems.is_empty() {
        errs.push(invalid("key", key, &key_problems.join("; ")));
    }
    match operator {
        Operator::In | Operator::NotIn if values.is_empty() => errs.push(format!(
            "values: Invalid value: {}: for 'in', 'notin' operators, values set can't be empty",
            json_list(&values)
        )),
        Operator::Equals | Operator::DoubleEquals | Operator::NotEquals if values.len() != 1 => {
            errs.push(format!(
                "values: Invalid value: {}: exact-match compatibility requires one single value",
                json_list(&values)
            ))
        }
        Operator::Exists | Operator::DoesNotExist if !values.is_empty() => errs.push(format!(
            "values: Invalid value: {}: values set must be empty for exists and does not exist",
            json_list(&values)
        )),
        Operator::GreaterThan | Operator::LessThan => {
            if values.len() != 1 {
                errs.push(format!(
                    "values: Invalid value: {}: for 'Gt', 'Lt' operators, exactly one value is required",
                    json_list(&values)
                ));
            }
            for (i, v) in values.iter().enumerate() {
                if v.parse::<i64>().is_err() {
                    errs.push(invalid(
                        &format!("values[{i}]"),
                        v,
                        "for 'Gt', 'Lt' operators, the value must be an integer",
                    ));
                }
            }
        }
        _ => {}
    }
    for (i, v) in values.iter().enumerate() {
        let problems = label_value_problems(v);
        if !problems.is_empty() {
            errs.push(invalid(
                &format!("values[{i}][{key}]"),
                v,
                &problems.join("; "),
            ));
        }
    }
    aggregate(errs)?;
    Ok(Requirement {
        key: key.to_string(),
        operator,
        values,
    })
}

// ---- the selector language ---------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    End,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

fn is_special(c: u8) -> bool {
    matches!(c, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

fn special_token(s: &[u8]) -> Option<Token> {
    Some(match s {
        b")" => Token::ClosedPar,
        b"," => Token::Comma,
        b"!" => Token::DoesNotExist,
        b"==" => Token::DoubleEquals,
        b"=" => Token::Equals,
        b">" => Token::GreaterThan,
        b"<" => Token::LessThan,
        b"!=" => Token::NotEquals,
        b"(" => Token::OpenPar,
        _ => return None,
    })
}

/// Upstream's lexer: whitespace separates, runs of `=!(),><` are read as the longest token,
/// anything else up to whitespace or a symbol is an identifier (`in`, `notin` are keywords).
/// Like Go's, it reads a NUL byte as "nothing more": at the start of a token it ends the
/// input, inside one it ends the token.
fn lex(input: &str) -> Vec<(Token, String)> {
    let b = input.as_bytes();
    let mut pos = 0;
    // Go's `read`: the next byte, or 0 past the end (a NUL byte reads as 0 too).
    let read = |pos: &mut usize| -> u8 {
        let c = b.get(*pos).copied().unwrap_or(0);
        if *pos < b.len() {
            *pos += 1;
        }
        c
    };
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let mut out = Vec::new();
    loop {
        let mut c = read(&mut pos);
        while is_space(c) {
            c = read(&mut pos);
        }
        if c == 0 {
            out.push((Token::End, String::new()));
            return out;
        }
        pos -= 1;
        let mut buffer = Vec::new();
        if is_special(c) {
            let mut best: Option<Token> = None;
            loop {
                let c = read(&mut pos);
                if c == 0 {
                    break;
                }
                if !is_special(c) {
                    pos -= 1;
                    break;
                }
                buffer.push(c);
                match special_token(&buffer) {
                    Some(t) => best = Some(t),
                    None if best.is_some() => {
                        pos -= 1;
                        buffer.pop();
                        break;
                    }
                    None => {}
                }
            }
            // Every single symbol is a token, so `best` is always set.
            out.push((best.unwrap_or(Token::Identifier), text(&buffer)));
        } else {
            loop {
                let c = read(&mut pos);
                if c == 0 {
                    break;
                }
                if is_special(c) || is_space(c) {
                    pos -= 1;
                    break;
                }
                buffer.push(c);
            }
            let word = text(&buffer);
            let tok = match word.as_str() {
                "in" => Token::In,
                "notin" => Token::NotIn,
                _ => Token::Identifier,
            };
            out.push((tok, word));
        }
    }
}

struct Parser {
    items: Vec<(Token, String)>,
    at: usize,
}

impl Parser {
    /// The next token; where values are expected, `in` and `notin` are plain identifiers.
    fn peek(&self, values: bool) -> (Token, String) {
        let (tok, lit) = self
            .items
            .get(self.at)
            .cloned()
            .unwrap_or((Token::End, String::new()));
        match tok {
            Token::In | Token::NotIn if values => (Token::Identifier, lit),
            _ => (tok, lit),
        }
    }

    fn next(&mut self, values: bool) -> (Token, String) {
        let item = self.peek(values);
        if self.at < self.items.len() {
            self.at += 1;
        }
        item
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut reqs = Vec::new();
        loop {
            let (tok, lit) = self.peek(true);
            match tok {
                Token::Identifier | Token::DoesNotExist => {
                    let r = self
                        .requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    reqs.push(r);
                    let (tok, lit) = self.next(true);
                    match tok {
                        Token::End => return Ok(reqs),
                        Token::Comma => {
                            let (t, l) = self.peek(true);
                            if t != Token::Identifier && t != Token::DoesNotExist {
                                return Err(format!("found '{l}', expected: identifier after ','"));
                            }
                        }
                        _ => {
                            return Err(format!("found '{lit}', expected: ',' or 'end of string'"))
                        }
                    }
                }
                Token::End => return Ok(reqs),
                _ => {
                    return Err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    ))
                }
            }
        }
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        let mut negated = false;
        let (mut tok, mut key) = self.next(true);
        if tok == Token::DoesNotExist {
            negated = true;
            (tok, key) = self.next(true);
        }
        if tok != Token::Identifier {
            return Err(format!("found '{key}', expected: identifier"));
        }
        let problems = label_key_problems(&key);
        if !problems.is_empty() {
            return Err(invalid("<nil>", &key, &problems.join("; ")));
        }
        if negated {
            return new_requirement(&key, Operator::DoesNotExist, Vec::new());
        }
        if matches!(self.peek(true).0, Token::End | Token::Comma) {
            return new_requirement(&key, Operator::Exists, Vec::new());
        }
        let (tok, lit) = self.next(false);
        let operator = match tok {
            Token::In => Operator::In,
            Token::Equals => Operator::Equals,
            Token::DoubleEquals => Operator::DoubleEquals,
            Token::GreaterThan => Operator::GreaterThan,
            Token::LessThan => Operator::LessThan,
            Token::NotIn => Operator::NotIn,
            Token::NotEquals => Operator::NotEquals,
            _ => {
                return Err(format!(
                    "found '{lit}', expected: in, notin, =, ==, !=, gt, lt"
                ))
            }
        };
        let mut values = match operator {
            Operator::In | Operator::NotIn => self.value_set()?,
            _ => vec![self.exact_value()?],
        };
        values.sort();
        values.dedup();
        new_requirement(&key, operator, values)
    }

    fn value_set(&mut self) -> Result<Vec<String>, String> {
        let (tok, lit) = self.next(true);
        if tok != Token::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (tok, lit) = self.peek(true);
        match tok {
            Token::Identifier | Token::Comma => {
                let set = self.identifiers()?;
                let (tok, lit) = self.next(true);
                if tok != Token::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(set)
            }
            Token::ClosedPar => {
                self.next(true);
                Ok(vec![String::new()])
            }
            _ => Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        }
    }

    /// The values between the parentheses; empty places between commas are empty strings.
    fn identifiers(&mut self) -> Result<Vec<String>, String> {
        let mut set = Vec::new();
        loop {
            let (tok, lit) = self.next(true);
            match tok {
                Token::Identifier => {
                    set.push(lit);
                    let (t, l) = self.peek(true);
                    match t {
                        Token::Comma => continue,
                        Token::ClosedPar => return Ok(set),
                        _ => return Err(format!("found '{l}', expected: ',' or ')'")),
                    }
                }
                Token::Comma => {
                    if set.is_empty() {
                        set.push(String::new());
                    }
                    loop {
                        match self.peek(true).0 {
                            Token::ClosedPar => {
                                set.push(String::new());
                                return Ok(set);
                            }
                            Token::Comma => {
                                self.next(true);
                                set.push(String::new());
                            }
                            _ => break,
                        }
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
    }

    fn exact_value(&mut self) -> Result<String, String> {
        if matches!(self.peek(true).0, Token::End | Token::Comma) {
            return Ok(String::new());
        }
        let (tok, lit) = self.next(true);
        if tok == Token::Identifier {
            Ok(lit)
        } else {
            Err(format!("found '{lit}', expected: identifier"))
        }
    }
}

/// Upstream's `labels.Parse`: the selector language of `-l` and `?labelSelector=`, with its
/// exact error texts (`unable to parse requirement: found '', expected: identifier`). An
/// empty or blank selector selects everything. Requirements come back sorted by key.
pub fn parse(selector: &str) -> Result<Selector, String> {
    let mut p = Parser {
        items: lex(selector),
        at: 0,
    };
    let mut reqs = p.parse()?;
    reqs.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(Selector::All(reqs))
}

/// Upstream's `metav1.LabelSelectorAsSelector`: a `LabelSelector` object (`matchLabels`,
/// `matchExpressions`) as a selector. A missing selector selects nothing, an empty one
/// everything.
pub fn from_label_selector(selector: Option<&Value>) -> Result<Selector, String> {
    let Some(sel) = selector.filter(|s| !s.is_null()) else {
        return Ok(Selector::Nothing);
    };
    let match_labels = sel.get("matchLabels").and_then(Value::as_object);
    let expressions = sel.get("matchExpressions").and_then(Value::as_array);
    let mut reqs = Vec::new();
    for (k, v) in match_labels.into_iter().flatten() {
        let v = v.as_str().unwrap_or("").to_string();
        reqs.push(new_requirement(k, Operator::Equals, vec![v])?);
    }
    for e in expressions.into_iter().flatten() {
        let key = e.get("key").and_then(Value::as_str).unwrap_or("");
        let op = e.get("operator").and_then(Value::as_str).unwrap_or("");
        let operator = match op {
            "In" => Operator::In,
            "NotIn" => Operator::NotIn,
            "Exists" => Operator::Exists,
            "DoesNotExist" => Operator::DoesNotExist,
            other => {
                return Err(format!(
                    "{} is not a valid label selector operator",
                    go_quote(other)
                ))
            }
        };
        let values: Vec<String> = e
            .get("values")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|v| v.as_str().unwrap_or("").to_string())
            .collect();
        reqs.push(new_requirement(key, operator, values)?);
    }
    reqs.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(Selector::All(reqs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Port of upstream selector_test.go TestSelectorParse.
    #[test]
    fn selector_parse_table() {
        for good in [
            "x=a,y=b,z=c",
            "",
            "x!=a,y=b",
            "x=",
            "x= ",
            "x=,z= ",
            "x= ,z= ",
            "!x",
            "x>1",
            "x>1,z<5",
        ] {
            let s = parse(good).unwrap_or_else(|e| panic!("{good:?}: {e}"));
            assert_eq!(s.to_string(), good.replace(' ', ""), "{good:?}");
        }
        for bad in ["x=a||y=b", "x==a==b", "!x=a", "x<a"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        // TestDeterministicParse.
        assert_eq!(
            parse("x=a,a=x").unwrap().to_string(),
            parse("a=x,x=a").unwrap().to_string()
        );
    }

    // Port of TestSelectorMatches.
    #[test]
    fn selector_matches_table() {
        let yes: &[(&str, Value)] = &[
            ("", json!({"x": "y"})),
            ("x=y", json!({"x": "y"})),
            ("x=y,z=w", json!({"x": "y", "z": "w"})),
            ("x!=y,z!=w", json!({"x": "z", "z": "a"})),
            ("notin=in", json!({"notin": "in"})),
            ("x", json!({"x": "z"})),
            ("!x", json!({"y": "z"})),
            ("x>1", json!({"x": "2"})),
            ("x<1", json!({"x": "0"})),
            ("foo=bar,baz=blah", json!({"foo": "bar", "baz": "blah"})),
        ];
        for (sel, labels) in yes {
            assert!(parse(sel).unwrap().matches(Some(labels)), "{sel} {labels}");
        }
        let no: &[(&str, Value)] = &[
            ("x=z", json!({})),
            ("x=y", json!({"x": "z"})),
            ("x=y,z=w", json!({"x": "w", "z": "w"})),
            ("x!=y,z!=w", json!({"x": "z", "z": "w"})),
            ("x", json!({"y": "z"})),
            ("!x", json!({"x": "z"})),
            ("x>1", json!({"x": "0"})),
            ("x<1", json!({"x": "2"})),
            (
                "foo=bar,foobar=bar,baz=blah",
                json!({"foo": "bar", "baz": "blah"}),
            ),
        ];
        for (sel, labels) in no {
            assert!(!parse(sel).unwrap().matches(Some(labels)), "{sel} {labels}");
        }
        assert!(parse("app in (web, db)")
            .unwrap()
            .matches(Some(&json!({"app": "db"}))));
        assert!(parse("app notin (web)").unwrap().matches(None));
    }

    // Port of TestSetSelectorParser's valid and invalid inputs, with the texts upstream gives.
    #[test]
    fn set_based_selectors() {
        for good in [
            "\rx",
            "this-is-a-dns.domain.com/key-with-dash",
            "this-is-another-dns.domain.com/key-with-dash in (so,what)",
            "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
            "foo  in\t (abc)",
            "x notin\n (abc)",
            "x  notin\t\t(abc,def)",
            "x in (abc,def)",
            "x in (abc,)",
            "x in (abc,abc)",
            "x in ()",
            "x in (a,,)",
            "x in (a,,,)",
            "x in (a,,,,,,)",
            "x in (a,,a,,a,,a,,)",
            "x notin (abc,,def),bar,z in (),w",
            "x,y in (a)",
            "x=a",
            "x>1",
            "x<7",
            "x=a,y!=b",
            "x=a,y!=b,z in (h,i,j)",
            "x notin ( )",
            "x notin (, a)",
            "a ",
            "a in (x,y,notin, z,in)",
            "in in (in)",
            "notin=in",
        ] {
            assert!(parse(good).is_ok(), "{good:?}: {:?}", parse(good));
        }
        assert_eq!(
            parse("x notin (abc,,def),bar,z in (),w")
                .unwrap()
                .to_string(),
            "bar,w,x notin (,abc,def),z in ()"
        );
        assert_eq!(
            parse("a in (x,y,notin, z,in)").unwrap().to_string(),
            "a in (in,notin,x,y,z)"
        );
        for (bad, want) in [
            ("x,,y", "found ',', expected: identifier after ','"),
            (",x,y", "found ',', expected: !, identifier, or 'end of string'"),
            ("x nott in (y)", "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt"),
            ("a in (xyz),", "found '', expected: identifier after ','"),
            ("a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'"),
            ("a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'"),
            ("a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier"),
            ("a (", "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"),
            ("(", "found '(', expected: !, identifier, or 'end of string'"),
            ("!", "unable to parse requirement: found '', expected: identifier"),
            (",", "found ',', expected: !, identifier, or 'end of string'"),
            (",,,", "found ',', expected: !, identifier, or 'end of string'"),
            ("==", "found '==', expected: !, identifier, or 'end of string'"),
            ("a=b=c", "found '=', expected: ',' or 'end of string'"),
            ("app in (web", "unable to parse requirement: found '', expected: ',' or ')'"),
            ("app in", "unable to parse requirement: found '' expected: '('"),
            ("x in (a,", "unable to parse requirement: found '', expected: ',', or identifier"),
            ("x in (a,=)", "unable to parse requirement: found '=', expected: ',', or identifier"),
            ("!!app", "unable to parse requirement: found '!', expected: identifier"),
            ("app=(web)", "unable to parse requirement: found '(', expected: identifier"),
            ("!app in (a)", "found 'in', expected: ',' or 'end of string'"),
            ("app>x", "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"),
            ("/a", "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must be non-empty"),
            ("x=a||y=b", "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
            ("x|y", "unable to parse requirement: <nil>: Invalid value: \"x|y\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
            ("a/", "unable to parse requirement: <nil>: Invalid value: \"a/\": name part must be non-empty; name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
        ] {
            assert_eq!(parse(bad).unwrap_err(), want, "{bad:?}");
        }
        let long = "a".repeat(64);
        assert_eq!(
            parse(&long).unwrap_err(),
            format!("unable to parse requirement: <nil>: Invalid value: \"{long}\": name part must be no more than 63 bytes")
        );
        assert!(parse("app in (-x,y_)")
            .unwrap_err()
            .starts_with("unable to parse requirement: [values[0][app]: Invalid value: \"-x\": "));
    }

    // Port of TestLexer / TestLexerSequence.
    #[test]
    fn lexer_tokens() {
        let kinds = |s: &str| -> Vec<Token> { lex(s).into_iter().map(|(t, _)| t).collect() };
        use Token::*;
        assert_eq!(kinds(""), [End]);
        assert_eq!(kinds("~"), [Identifier, End]);
        assert_eq!(kinds("||"), [Identifier, End]);
        assert_eq!(
            kinds("key in ( value )"),
            [Identifier, In, OpenPar, Identifier, ClosedPar, End]
        );
        assert_eq!(kinds("!key"), [DoesNotExist, Identifier, End]);
        assert_eq!(
            kinds("x in (),y"),
            [Identifier, In, OpenPar, ClosedPar, Comma, Identifier, End]
        );
        assert_eq!(
            kinds("== != (), = notin"),
            [
                DoubleEquals,
                NotEquals,
                OpenPar,
                ClosedPar,
                Comma,
                Equals,
                NotIn,
                End
            ]
        );
        assert_eq!(kinds("key>2"), [Identifier, GreaterThan, Identifier, End]);
        assert_eq!(kinds("!=="), [NotEquals, Equals, End]);
        // A NUL byte ends the input at the start of a token and a token inside one.
        assert_eq!(kinds("a \u{0}garbage"), [Identifier, End]);
        assert_eq!(kinds("ab\u{0}cd"), [Identifier, Identifier, End]);
    }

    #[test]
    fn label_selector_objects() {
        assert_eq!(from_label_selector(None).unwrap(), Selector::Nothing);
        assert!(from_label_selector(Some(&json!({})))
            .unwrap()
            .is_everything());
        let s = from_label_selector(Some(&json!({"matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]})))
        .unwrap();
        assert_eq!(s.to_string(), "app=web,tier in (a,b)");
        assert!(s.matches(Some(&json!({"app": "web", "tier": "b"}))));
        assert_eq!(
            from_label_selector(Some(
                &json!({"matchExpressions": [{"key": "a", "operator": "Near"}]})
            ))
            .unwrap_err(),
            "\"Near\" is not a valid label selector operator"
        );
        assert_eq!(
            from_label_selector(Some(
                &json!({"matchExpressions": [{"key": "a", "operator": "In"}]})
            ))
            .unwrap_err(),
            "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"
        );
    }
}

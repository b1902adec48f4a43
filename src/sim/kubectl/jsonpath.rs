//! kubectl's `-o jsonpath=TEMPLATE`: text with `{...}` expressions over the object — field
//! paths (`.metadata.name`), indexes, wildcards and recursive descent (`[0]`, `[*]`, `..name`),
//! `range`/`end` loops and quoted string literals such as `{"\n"}`.
//! See <https://kubernetes.io/docs/reference/kubectl/jsonpath/>.

use serde_json::Value;

/// One piece of a template.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Path(Vec<Step>),
    Range(Vec<Step>, Vec<Part>),
    /// An empty action `{}`: the whole object, as JSON.
    Whole,
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Index(i64),
    All,
    /// `..`: the value and every container below it, parents first.
    Recursive,
}

/// Parses and runs a template against a value (the object, or a `List` of them).
pub fn render(template: &str, value: &Value) -> Result<String, String> {
    let tokens = tokenize(template)?;
    let mut pos = 0;
    let parts = parse(&tokens, &mut pos, false)?;
    let mut out = String::new();
    exec(&parts, value, &mut out)?;
    Ok(out)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Text(String),
    Expr(String),
}

fn tokenize(t: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '{' {
            text.push(c);
            continue;
        }
        if !text.is_empty() {
            out.push(Token::Text(std::mem::take(&mut text)));
        }
        let mut expr = String::new();
        let mut in_quote = false;
        let mut closed = false;
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    in_quote = !in_quote;
                    expr.push(c);
                }
                '\\' if in_quote => {
                    expr.push(c);
                    if let Some(n) = chars.next() {
                        expr.push(n);
                    }
                }
                '}' if !in_quote => {
                    closed = true;
                    break;
                }
                _ => expr.push(c),
            }
        }
        if !closed {
            return Err("unclosed action".to_string());
        }
        out.push(Token::Expr(expr.trim().to_string()));
    }
    if !text.is_empty() {
        out.push(Token::Text(text));
    }
    Ok(out)
}

fn parse(tokens: &[Token], pos: &mut usize, in_range: bool) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    while *pos < tokens.len() {
        let tok = tokens[*pos].clone();
        *pos += 1;
        match tok {
            Token::Text(t) => parts.push(Part::Text(t)),
            Token::Expr(e) if e == "end" => {
                if in_range {
                    return Ok(parts);
                }
                return Err("not in range, nothing to end".into());
            }
            Token::Expr(e) if e.is_empty() => parts.push(Part::Whole),
            Token::Expr(e) => {
                if let Some(path) = e.strip_prefix("range ") {
                    let steps = path_steps(path.trim())?;
                    let body = parse(tokens, pos, true)?;
                    parts.push(Part::Range(steps, body));
                } else if e.starts_with('"') {
                    parts.push(Part::Text(unquote(&e)?));
                } else {
                    parts.push(Part::Path(path_steps(&e)?));
                }
            }
        }
    }
    if in_range {
        return Err("unclosed range".into());
    }
    Ok(parts)
}

fn unquote(e: &str) -> Result<String, String> {
    serde_json::from_str::<String>(e).map_err(|_| format!("unrecognized character in action: {e}"))
}

fn path_steps(path: &str) -> Result<Vec<Step>, String> {
    let p = path.trim_start_matches('$');
    let mut steps = Vec::new();
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if chars.peek() == Some(&'.') {
                    chars.next();
                    if steps.last() == Some(&Step::Recursive) || chars.peek() == Some(&'.') {
                        return Err("invalid multiple recursive descent".into());
                    }
                    steps.push(Step::Recursive);
                }
                let mut name = String::new();
                while let Some(&n) = chars.peek() {
                    if n == '.' || n == '[' {
                        break;
                    }
                    name.push(n);
                    chars.next();
                }
                if !name.is_empty() {
                    steps.push(if name == "*" {
                        Step::All
                    } else {
                        Step::Field(name)
                    });
                }
            }
            '[' => {
                let mut inner = String::new();
                for n in chars.by_ref() {
                    if n == ']' {
                        break;
                    }
                    inner.push(n);
                }
                let inner = inner.trim();
                if inner == "*" {
                    steps.push(Step::All);
                } else if let Ok(i) = inner.parse::<i64>() {
                    steps.push(Step::Index(i));
                } else if let Some(f) = inner.strip_prefix('\'').and_then(|f| f.strip_suffix('\''))
                {
                    steps.push(Step::Field(f.to_string()));
                } else {
                    return Err(format!(
                        "unrecognized array index or filter: [{inner}] (not modelled by kubegate)"
                    ));
                }
            }
            c if c.is_whitespace() => {}
            other => return Err(format!("unrecognized identifier {other}")),
        }
    }
    Ok(steps)
}

fn select<'a>(value: &'a Value, steps: &[Step]) -> Vec<&'a Value> {
    let mut cur = vec![value];
    for s in steps {
        let mut next = Vec::new();
        for v in cur {
            match s {
                Step::Field(f) => {
                    if let Some(x) = v.get(f) {
                        next.push(x);
                    }
                }
                Step::Index(i) => {
                    if let Some(a) = v.as_array() {
                        let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                        if let Some(x) = usize::try_from(idx).ok().and_then(|i| a.get(i)) {
                            next.push(x);
                        }
                    }
                }
                Step::All => match v {
                    Value::Array(a) => next.extend(a.iter()),
                    Value::Object(m) => next.extend(m.values()),
                    _ => {}
                },
                Step::Recursive => descend(v, &mut next),
            }
        }
        cur = next;
    }
    cur
}

/// client-go's `evalRecursive`: a value with children (a map, a non-empty list or string)
/// and then, depth first, every such value under it. Go visits map keys in random order;
/// here they come in the object's order.
fn descend<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        let children: Vec<&Value> = match v {
            Value::Object(m) => m.values().collect(),
            Value::Array(a) => a.iter().collect(),
            Value::String(s) if !s.is_empty() => {
                out.push(v);
                continue;
            }
            _ => continue,
        };
        if children.is_empty() {
            continue;
        }
        out.push(v);
        stack.extend(children.into_iter().rev());
    }
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        // kubectl decodes objects into Go maps, which print with sorted keys.
        other => super::sorted_json(other),
    }
}

fn exec(parts: &[Part], value: &Value, out: &mut String) -> Result<(), String> {
    for p in parts {
        match p {
            Part::Text(t) => out.push_str(t),
            Part::Whole => out.push_str(&text_of(value)),
            // kubectl prints nothing for a bare `{.}`.
            Part::Path(steps) if steps.is_empty() => {}
            Part::Path(steps) => {
                let found: Vec<String> = select(value, steps).into_iter().map(text_of).collect();
                out.push_str(&found.join(" "));
            }
            Part::Range(steps, body) => {
                for item in select(value, steps) {
                    exec(body, item, out)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_wildcards_ranges_and_literals() {
        let list = json!({"items": [
            {"metadata": {"name": "a"}, "spec": {"containers": [{"image": "nginx"}, {"image": "redis"}]}},
            {"metadata": {"name": "b"}, "spec": {"containers": [{"image": "busybox"}]}}
        ]});
        assert_eq!(render("{.items[*].metadata.name}", &list).unwrap(), "a b");
        assert_eq!(
            render("{.items[0].spec.containers[1].image}", &list).unwrap(),
            "redis"
        );
        assert_eq!(render("{.items[-1].metadata.name}", &list).unwrap(), "b");
        assert_eq!(
            render("{range .items[*]}{.metadata.name}{\"\\t\"}{.spec.containers[*].image}{\"\\n\"}{end}", &list).unwrap(),
            "a\tnginx redis\nb\tbusybox\n"
        );
        assert_eq!(
            render("name={.items[0].metadata.name}", &list).unwrap(),
            "name=a"
        );
        assert_eq!(
            render("{.items[0].metadata}", &list).unwrap(),
            "{\"name\":\"a\"}"
        );
        let obj = json!({"z": 1, "a": {"y": 2, "b": 3}});
        assert_eq!(render("{.a}", &obj).unwrap(), "{\"b\":3,\"y\":2}");
        assert_eq!(render("{.}", &obj).unwrap(), "");
        assert!(render("{range .items[*]}{.x}", &list).is_err());
        assert!(render("{.items[?(@.x)]}", &list).is_err());
    }

    #[test]
    fn recursive_descent_finds_every_name() {
        let pod = json!({"metadata": {"name": "p", "labels": {"name": "l"}},
            "spec": {"containers": [{"name": "a", "ports": [{"name": "http"}]}, {"name": "b"}]}});
        assert_eq!(render("{..name}", &pod).unwrap(), "p l a http b");
        assert_eq!(render("{.spec..name}", &pod).unwrap(), "a http b");
        assert_eq!(render("{..containers[0].name}", &pod).unwrap(), "a");
        assert_eq!(
            render("{....name}", &pod).unwrap_err(),
            "invalid multiple recursive descent"
        );
    }
}

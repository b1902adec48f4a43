//! Reading a kubectl command line: shell-style words, then flags with pflag's rules (`--f=v`,
//! `--f v`, `-n v`, `-nv`, bool flags, `--`), with kubectl's error texts.
//! See <https://kubernetes.io/docs/reference/kubectl/>.

/// How a flag takes its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// A boolean: `--all`, `--all=false`.
    Bool,
    /// Needs a value: `--output yaml`, `--output=yaml`.
    Value,
    /// A value only after `=` (pflag's NoOptDefVal), e.g. `--dry-run`.
    Optional,
}

/// One flag a command accepts.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    /// Long name without dashes.
    pub long: &'static str,
    /// Shorthand letter.
    pub short: Option<char>,
    /// How it takes a value.
    pub arity: Arity,
}

/// Shorthand for a flag table entry.
pub const fn flag(long: &'static str, short: Option<char>, arity: Arity) -> Flag {
    Flag { long, short, arity }
}

/// The flags given, in order, and the positional arguments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// (long name, value) pairs; bools have `true`/`false`, optional flags their default.
    pub flags: Vec<(String, String)>,
    /// Positional arguments.
    pub args: Vec<String>,
    /// How many positional arguments came before a `--` (cobra's ArgsLenAtDash), if any.
    pub dash_at: Option<usize>,
}

impl Parsed {
    /// The last value of a flag.
    pub fn get(&self, long: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(k, _)| k == long)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeatable flag (comma-separated values split, as string slices do).
    pub fn all(&self, long: &str) -> Vec<String> {
        self.flags
            .iter()
            .filter(|(k, _)| k == long)
            .flat_map(|(_, v)| v.split(',').map(str::to_string).collect::<Vec<_>>())
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Every value of a flag, unsplit.
    pub fn values(&self, long: &str) -> Vec<String> {
        self.flags
            .iter()
            .filter(|(k, _)| k == long)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// A bool flag.
    pub fn is(&self, long: &str) -> bool {
        self.get(long) == Some("true")
    }
}

/// Splits a command line into words like a POSIX shell (quotes and backslashes, no expansion).
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => cur.push(ch),
                        None => return Err("unterminated single quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\' | '$' | '`')) => cur.push(ch),
                            Some(ch) => {
                                cur.push('\\');
                                cur.push(ch);
                            }
                            None => return Err("unterminated double quote".into()),
                        },
                        Some(ch) => cur.push(ch),
                        None => return Err("unterminated double quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(ch) = chars.next() {
                    cur.push(ch);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// Parses flags anywhere on the line, as cobra does; errors are pflag's messages.
pub fn parse(words: &[String], specs: &[Flag]) -> Result<Parsed, String> {
    let mut out = Parsed::default();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if w == "--" {
            out.dash_at = Some(out.args.len());
            out.args.extend(words[i..].iter().cloned());
            break;
        }
        if let Some(body) = w.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(spec) = specs.iter().find(|f| f.long == name) else {
                return Err(format!("unknown flag: --{name}"));
            };
            let value = match (spec.arity, inline) {
                (_, Some(v)) => v,
                (Arity::Bool, None) => "true".into(),
                (Arity::Optional, None) => "unset".into(),
                (Arity::Value, None) => {
                    if i < words.len() {
                        i += 1;
                        words[i - 1].clone()
                    } else {
                        return Err(format!("flag needs an argument: --{name}"));
                    }
                }
            };
            out.flags.push((spec.long.to_string(), value));
        } else if w.len() > 1 && w.starts_with('-') {
            let letters: Vec<char> = w[1..].chars().collect();
            let mut j = 0;
            while j < letters.len() {
                let c = letters[j];
                j += 1;
                let Some(spec) = specs.iter().find(|f| f.short == Some(c)) else {
                    return Err(format!("unknown shorthand flag: '{c}' in {w}"));
                };
                let rest: String = letters[j..].iter().collect();
                match spec.arity {
                    Arity::Bool | Arity::Optional => {
                        if let Some(v) = rest.strip_prefix('=') {
                            out.flags.push((spec.long.to_string(), v.to_string()));
                            break;
                        }
                        let v = if spec.arity == Arity::Bool {
                            "true"
                        } else {
                            "unset"
                        };
                        out.flags.push((spec.long.to_string(), v.to_string()));
                    }
                    Arity::Value => {
                        let value = if !rest.is_empty() {
                            rest.strip_prefix('=').unwrap_or(&rest).to_string()
                        } else if i < words.len() {
                            i += 1;
                            words[i - 1].clone()
                        } else {
                            return Err(format!("flag needs an argument: '{c}' in -{c}"));
                        };
                        out.flags.push((spec.long.to_string(), value));
                        break;
                    }
                }
            }
        } else {
            out.args.push(w.clone());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[Flag] = &[
        flag("namespace", Some('n'), Arity::Value),
        flag("all-namespaces", Some('A'), Arity::Bool),
        flag("output", Some('o'), Arity::Value),
        flag("dry-run", None, Arity::Optional),
        flag("as-group", None, Arity::Value),
    ];

    fn words(s: &str) -> Vec<String> {
        split_words(s).unwrap()
    }

    #[test]
    fn shell_words() {
        assert_eq!(
            words("a 'b c' \"d \\\"e\\\"\" f\\ g"),
            ["a", "b c", "d \"e\"", "f g"]
        );
        assert!(split_words("a 'b").is_err());
        assert_eq!(words("  "), Vec::<String>::new());
    }

    #[test]
    fn pflag_forms() {
        let p = parse(
            &words("get pods -n blue -oyaml --as-group=a --as-group b -A x"),
            SPECS,
        )
        .unwrap();
        assert_eq!(p.args, ["get", "pods", "x"]);
        assert_eq!(p.get("namespace"), Some("blue"));
        assert_eq!(p.get("output"), Some("yaml"));
        assert_eq!(p.values("as-group"), ["a", "b"]);
        assert!(p.is("all-namespaces"));
        // An optional-value flag takes its value only after '='.
        let p = parse(&words("create --dry-run client"), SPECS).unwrap();
        assert_eq!(p.get("dry-run"), Some("unset"));
        assert_eq!(p.args, ["create", "client"]);
    }

    #[test]
    fn pflag_errors() {
        assert_eq!(
            parse(&words("get --colour"), SPECS).unwrap_err(),
            "unknown flag: --colour"
        );
        assert_eq!(
            parse(&words("get -x"), SPECS).unwrap_err(),
            "unknown shorthand flag: 'x' in -x"
        );
        assert_eq!(
            parse(&words("get -n"), SPECS).unwrap_err(),
            "flag needs an argument: 'n' in -n"
        );
        assert_eq!(
            parse(&words("get --namespace"), SPECS).unwrap_err(),
            "flag needs an argument: --namespace"
        );
    }
}

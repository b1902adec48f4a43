//! Reading the workspace: multi-document YAML (or JSON) into trees that remember where every
//! node stands, so that each error and warning points at a line and a column.
//! See <https://kubernetes.io/docs/concepts/overview/working-with-objects/#describing-a-kubernetes-object>.

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A position in the source text, both 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord, serde::Serialize)]
pub struct Pos {
    /// Line, counting from 1.
    pub line: usize,
    /// Column in characters, counting from 1.
    pub column: usize,
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One YAML node with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node starts.
    pub pos: Pos,
    /// What it holds.
    pub kind: NodeKind,
}

/// The three shapes of a YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar with its text; `plain` is true when it was written without quotes or block
    /// style, which is when YAML resolves it to a bool, number or null.
    Scalar {
        /// The scalar's text after unescaping.
        text: String,
        /// Whether it was a plain (unquoted) scalar.
        plain: bool,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order; keys keep their own positions.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The value at `key` when this node is a mapping with a scalar key `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a scalar node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The node tree of a JSON value (positions zero), so that JSON bodies can be checked by
    /// the same code as workspace YAML.
    pub fn from_json(value: &Value) -> Node {
        let scalar = |text: String, plain: bool| NodeKind::Scalar { text, plain };
        let kind = match value {
            Value::Null => scalar("null".into(), true),
            Value::Bool(b) => scalar(b.to_string(), true),
            Value::Number(n) => scalar(n.to_string(), true),
            Value::String(s) => scalar(s.clone(), false),
            Value::Array(items) => NodeKind::Seq(items.iter().map(Node::from_json).collect()),
            Value::Object(map) => NodeKind::Map(
                map.iter()
                    .map(|(k, v)| {
                        let key = Node {
                            pos: Pos::default(),
                            kind: scalar(k.clone(), false),
                        };
                        (key, Node::from_json(v))
                    })
                    .collect(),
            ),
        };
        Node {
            pos: Pos::default(),
            kind,
        }
    }

    /// A short name of the node's shape for error messages, as Go's decoder names JSON types.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar { .. } => match self.to_json() {
                Value::Null => "null",
                Value::Bool(_) => "bool",
                Value::Number(_) => "number",
                _ => "string",
            },
            NodeKind::Seq(_) => "array",
            NodeKind::Map(_) => "object",
        }
    }

    /// The JSON value this YAML means, resolving plain scalars the way Kubernetes' YAML reader
    /// (go-yaml v2 behind sigs.k8s.io/yaml) does: YAML 1.1 booleans, integers, floats and null.
    pub fn to_json(&self) -> Value {
        match &self.kind {
            NodeKind::Scalar { text, plain } => {
                if *plain {
                    resolve_plain(text)
                } else {
                    Value::String(text.clone())
                }
            }
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => {
                let mut map = Map::new();
                for (k, v) in entries {
                    let key = match k.to_json() {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    map.insert(key, v.to_json());
                }
                Value::Object(map)
            }
        }
    }
}

/// Resolves an unquoted scalar as go-yaml v2 does.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Value::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Value::Bool(false)
        }
        _ => {}
    }
    if let Some(n) = parse_int(text) {
        return Value::Number(n);
    }
    if let Some(f) = parse_float(text) {
        if let Some(n) = Number::from_f64(f) {
            return Value::Number(n);
        }
    }
    Value::String(text.to_string())
}

fn parse_int(text: &str) -> Option<Number> {
    let plain: String = text.chars().filter(|c| *c != '_').collect();
    let (neg, digits) = match plain.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, plain.strip_prefix('+').unwrap_or(&plain)),
    };
    if digits.is_empty() {
        return None;
    }
    let (radix, body) = if let Some(h) = digits.strip_prefix("0x") {
        (16, h)
    } else if let Some(b) = digits.strip_prefix("0b") {
        (2, b)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(body, radix).ok()?;
    let value = if neg { -magnitude } else { magnitude };
    if let Ok(v) = i64::try_from(value) {
        Some(Number::from(v))
    } else {
        u64::try_from(value).ok().map(Number::from)
    }
}

fn parse_float(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return None,
        _ => {}
    }
    // YAML 1.1 floats need a digit; Rust would also accept "inf" or "NaN" words.
    if !text.chars().any(|c| c.is_ascii_digit())
        || !text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-' | '_'))
    {
        return None;
    }
    text.replace('_', "").parse::<f64>().ok()
}

/// One document of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The root node (a null scalar for an empty document).
    pub root: Node,
    /// Whether the document was empty (only comments or nothing between `---` lines).
    pub empty: bool,
}

/// A syntax error with its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pos}: {message}")]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub pos: Pos,
    /// What went wrong, as the parser says it.
    pub message: String,
}

fn pos_of(mark: &Marker) -> Pos {
    Pos {
        line: mark.line(),
        column: mark.col() + 1,
    }
}

#[derive(Default)]
struct Builder {
    docs: Vec<Document>,
    stack: Vec<Frame>,
    anchors: std::collections::HashMap<usize, Node>,
    error: Option<SyntaxError>,
}

enum Frame {
    Seq(Node, usize),
    Map(Node, usize, Option<Node>),
}

impl Builder {
    fn push_value(&mut self, node: Node) {
        match self.stack.last_mut() {
            Some(Frame::Seq(seq, _)) => {
                if let NodeKind::Seq(items) = &mut seq.kind {
                    // The parser marks a block collection's start after its first token;
                    // the first child is the better position then.
                    if items.is_empty() && node.pos < seq.pos {
                        seq.pos = node.pos;
                    }
                    items.push(node);
                }
            }
            Some(Frame::Map(map, _, pending)) => match pending.take() {
                None => {
                    if let NodeKind::Map(entries) = &map.kind {
                        if entries.is_empty() && node.pos < map.pos {
                            map.pos = node.pos;
                        }
                    }
                    *pending = Some(node)
                }
                Some(key) => {
                    if let NodeKind::Map(entries) = &mut map.kind {
                        entries.push((key, node));
                    }
                }
            },
            None => self.docs.push(Document {
                root: node,
                empty: false,
            }),
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let pos = pos_of(&mark);
        match ev {
            Event::Scalar(text, style, anchor, _tag) => {
                let node = Node {
                    pos,
                    kind: NodeKind::Scalar {
                        text,
                        plain: style == TScalarStyle::Plain,
                    },
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push_value(node);
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq(
                Node {
                    pos,
                    kind: NodeKind::Seq(Vec::new()),
                },
                anchor,
            )),
            Event::MappingStart(anchor, _) => self.stack.push(Frame::Map(
                Node {
                    pos,
                    kind: NodeKind::Map(Vec::new()),
                },
                anchor,
                None,
            )),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(frame) = self.stack.pop() {
                    let (node, anchor) = match frame {
                        Frame::Seq(n, a) => (n, a),
                        Frame::Map(n, a, _) => (n, a),
                    };
                    if anchor > 0 {
                        self.anchors.insert(anchor, node.clone());
                    }
                    self.push_value(node);
                }
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some(node) => {
                    let node = node.clone();
                    self.push_value(node);
                }
                None => {
                    if self.error.is_none() {
                        self.error = Some(SyntaxError {
                            pos,
                            message: "unknown anchor".to_string(),
                        });
                    }
                }
            },
            Event::DocumentStart => {
                self.anchors.clear();
            }
            Event::DocumentEnd => {}
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
    }
}

/// Parses a multi-document YAML (or JSON) stream.
pub fn parse_stream(text: &str) -> Result<Vec<Document>, SyntaxError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut builder, true) {
        let mark = e.marker();
        return Err(SyntaxError {
            pos: pos_of(mark),
            message: e.info().to_string(),
        });
    }
    if let Some(err) = builder.error {
        return Err(err);
    }
    for doc in &mut builder.docs {
        if let NodeKind::Scalar { text, plain: true } = &doc.root.kind {
            doc.empty = text.is_empty();
        }
    }
    Ok(builder.docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_lines_and_columns() {
        let docs = parse_stream("a: 1\nb:\n  c: [x, 'y']\n").unwrap();
        assert_eq!(docs.len(), 1);
        let root = &docs[0].root;
        let b = root.get("b").unwrap();
        let c = b.get("c").unwrap();
        assert_eq!(b.pos, Pos { line: 3, column: 3 });
        assert_eq!(c.pos, Pos { line: 3, column: 6 });
        let NodeKind::Map(entries) = &root.kind else {
            panic!("not a map")
        };
        assert_eq!(entries[1].0.pos, Pos { line: 2, column: 1 });
    }

    #[test]
    fn several_documents_and_empty_ones() {
        let docs = parse_stream("---\na: 1\n---\n# only a comment\n---\nb: 2\n").unwrap();
        assert_eq!(docs.len(), 3);
        assert!(!docs[0].empty);
        assert!(docs[1].empty);
        assert_eq!(docs[2].root.to_json(), serde_json::json!({"b": 2}));
    }

    #[test]
    fn plain_scalars_resolve_like_go_yaml_v2() {
        let docs = parse_stream(
            "a: yes\nb: 'yes'\nc: 010\nd: 0x1F\ne: 1.5\nf: ~\ng: 1e3\nh: abc\ni: \"12\"\nj: -7\nk: .inf\n",
        )
        .unwrap();
        assert_eq!(
            docs[0].root.to_json(),
            serde_json::json!({"a": true, "b": "yes", "c": 8, "d": 31, "e": 1.5, "f": null,
                               "g": 1000.0, "h": "abc", "i": "12", "j": -7, "k": ".inf"})
        );
    }

    #[test]
    fn json_input_is_yaml() {
        let docs = parse_stream("{\"kind\": \"Pod\", \"n\": [1, true]}").unwrap();
        assert_eq!(
            docs[0].root.to_json(),
            serde_json::json!({"kind": "Pod", "n": [1, true]})
        );
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let err = parse_stream("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert!(err.pos.line >= 2, "{err}");
        let err = parse_stream("a: 1\n  b: 2\n").unwrap_err();
        assert_eq!(err.pos.line, 2, "{err}");
    }

    #[test]
    fn anchors_and_aliases_are_expanded() {
        let docs = parse_stream("a: &x [1, 2]\nb: *x\n").unwrap();
        assert_eq!(
            docs[0].root.to_json(),
            serde_json::json!({"a": [1, 2], "b": [1, 2]})
        );
    }
}

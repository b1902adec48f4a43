//! Reading the workspace: multi-document YAML (or JSON) into trees that remember where every
//! node stands, so that each error and warning points at a line and a column.
//! See <https://kubernetes.io/docs/concepts/overview/working-with-objects/#describing-a-kubernetes-object>.

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A position in the source text, both 1-based.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
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

    /// [`Node::to_json`] that takes the tree apart instead of copying it, so a large document
    /// is never held twice (strings move into the value).
    pub fn into_json(self) -> Value {
        match self.kind {
            NodeKind::Scalar { text, plain } => {
                if plain {
                    resolve_plain(&text)
                } else {
                    Value::String(text)
                }
            }
            NodeKind::Seq(items) => Value::Array(items.into_iter().map(Node::into_json).collect()),
            NodeKind::Map(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for (k, v) in entries {
                    let key = match k.into_json() {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    map.insert(key, v.into_json());
                }
                Value::Object(map)
            }
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
    // Most plain scalars are words: only these can start a number.
    if !matches!(
        text.as_bytes().first(),
        Some(b'0'..=b'9' | b'-' | b'+' | b'.')
    ) {
        return Value::String(text.to_string());
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
    let plain: std::borrow::Cow<str> = if text.contains('_') {
        text.replace('_', "").into()
    } else {
        text.into()
    };
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

/// How deep collections may nest. go-yaml and Go's JSON decoder stop at 10,000 levels; the
/// playground stops at serde_json's own limit (which already bounds every request body), so
/// that every recursive walk over a tree (conversion, schema checks, printers, patches, and
/// serde_json's own clone and drop) is safe on the browser's stack and a test thread's.
/// No Kubernetes object comes near it.
pub const MAX_DEPTH: usize = 128;

/// go-yaml v2's `allowedAliasRatio`: the share of decoded nodes that may come from aliases
/// before a document counts as a "billion laughs" attack (99 % for small documents, falling
/// linearly to 10 % between 400,000 and 4,000,000 decoded nodes).
fn allowed_alias_ratio(decode_count: usize) -> f64 {
    const MIN: f64 = 400_000.0;
    const MAX: f64 = 4_000_000.0;
    let n = decode_count as f64;
    if n <= MIN {
        0.99
    } else if n >= MAX {
        0.10
    } else {
        0.99 - 0.89 * ((n - MIN) / (MAX - MIN))
    }
}

#[derive(Default)]
struct Builder {
    docs: Vec<Document>,
    stack: Vec<Frame>,
    /// Anchored nodes and how many nodes each holds.
    anchors: std::collections::HashMap<usize, (Node, usize)>,
    /// Nodes decoded in this document, aliases expanded (go-yaml's `decodeCount`).
    decode_count: usize,
    /// Of those, nodes that came from expanding an alias (go-yaml's `aliasCount`).
    alias_count: usize,
    error: Option<SyntaxError>,
}

/// A collection being built: the node, its anchor, `decode_count` when it opened, and for a
/// mapping the pending key and the keys seen so far (duplicates are an error, as in strict
/// decoding).
enum Frame {
    Seq(Node, usize, usize),
    Map(
        Node,
        usize,
        usize,
        Option<Node>,
        std::collections::HashSet<String>,
    ),
}

/// The JSON key a YAML key node stands for (`true`, `1` and `"1"` are keys as their text).
fn key_string(key: &Node) -> String {
    match &key.kind {
        NodeKind::Scalar { text, plain: false } => text.clone(),
        NodeKind::Scalar { .. } => match key.to_json() {
            Value::String(s) => s,
            other => other.to_string(),
        },
        _ => key.to_json().to_string(),
    }
}

fn is_merge_key(key: &Node) -> bool {
    matches!(&key.kind, NodeKind::Scalar { text, plain: true } if text == "<<")
}

impl Builder {
    fn fail(&mut self, pos: Pos, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(SyntaxError {
                pos,
                message: message.into(),
            });
        }
    }

    fn push_value(&mut self, node: Node) {
        let mut duplicate = None;
        match self.stack.last_mut() {
            Some(Frame::Seq(seq, _, _)) => {
                if let NodeKind::Seq(items) = &mut seq.kind {
                    // The parser marks a block collection's start after its first token;
                    // the first child is the better position then.
                    if items.is_empty() && node.pos < seq.pos {
                        seq.pos = node.pos;
                    }
                    items.push(node);
                }
            }
            Some(Frame::Map(map, _, _, pending, seen)) => match pending.take() {
                None => {
                    if let NodeKind::Map(entries) = &map.kind {
                        if entries.is_empty() && node.pos < map.pos {
                            map.pos = node.pos;
                        }
                    }
                    if !is_merge_key(&node) {
                        let key = key_string(&node);
                        if !seen.insert(key.clone()) {
                            duplicate = Some((node.pos, key));
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
        if let Some((pos, key)) = duplicate {
            self.fail(pos, format!("key {key:?} already set in map"));
        }
    }

    fn on_event(&mut self, ev: Event, mark: Marker) {
        let pos = pos_of(&mark);
        match ev {
            Event::Scalar(text, style, anchor, _tag) => {
                self.decode_count += 1;
                let node = Node {
                    pos,
                    kind: NodeKind::Scalar {
                        text,
                        plain: style == TScalarStyle::Plain,
                    },
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, (node.clone(), 1));
                }
                self.push_value(node);
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= MAX_DEPTH => {
                self.fail(
                    pos,
                    format!("exceeded max depth of {MAX_DEPTH} (kubegate's limit; kube-apiserver's is 10000)"),
                );
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq(
                Node {
                    pos,
                    kind: NodeKind::Seq(Vec::new()),
                },
                anchor,
                self.decode_count,
            )),
            Event::MappingStart(anchor, _) => self.stack.push(Frame::Map(
                Node {
                    pos,
                    kind: NodeKind::Map(Vec::new()),
                },
                anchor,
                self.decode_count,
                None,
                Default::default(),
            )),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(frame) = self.stack.pop() {
                    self.decode_count += 1;
                    let (mut node, anchor, opened) = match frame {
                        Frame::Seq(n, a, c) => (n, a, c),
                        Frame::Map(n, a, c, _, _) => (n, a, c),
                    };
                    if let Err(message) = expand_merge_keys(&mut node) {
                        self.fail(node.pos, message);
                    }
                    if anchor > 0 {
                        let size = self.decode_count - opened;
                        self.anchors.insert(anchor, (node.clone(), size));
                    }
                    self.push_value(node);
                }
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some((_, size)) => {
                    // Checked before the copy is made, so an alias bomb is refused before it
                    // takes memory; the counts grow together, so checking once at the end of
                    // an expansion finds every document go-yaml's per-node check finds.
                    let size = *size;
                    self.decode_count += size;
                    self.alias_count += size;
                    if self.alias_count > 100
                        && self.decode_count > 1000
                        && self.alias_count as f64 / self.decode_count as f64
                            > allowed_alias_ratio(self.decode_count)
                    {
                        self.fail(pos, "document contains excessive aliasing");
                        return;
                    }
                    if let Some((node, _)) = self.anchors.get(&id) {
                        let node = node.clone();
                        self.push_value(node);
                    }
                }
                None => self.fail(pos, "unknown anchor"),
            },
            Event::DocumentStart => {
                self.anchors.clear();
                self.decode_count = 0;
                self.alias_count = 0;
            }
            Event::DocumentEnd => {}
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
    }
}

/// Applies YAML merge keys (`<<: *base`, `<<: [*a, *b]`) as go-yaml v2 does: at the place of the
/// `<<` entry, each merged key is set (a later explicit key overrides it; in a list of maps
/// the earlier map wins).
fn expand_merge_keys(node: &mut Node) -> Result<(), String> {
    let NodeKind::Map(entries) = &mut node.kind else {
        return Ok(());
    };
    if !entries.iter().any(|(k, _)| is_merge_key(k)) {
        return Ok(());
    }
    const WANT_MAP: &str = "map merge requires map or sequence of maps as the value";
    let mut out: Vec<(Node, Node)> = Vec::with_capacity(entries.len());
    let mut index: std::collections::HashMap<String, usize> = Default::default();
    let mut set = |out: &mut Vec<(Node, Node)>, k: Node, v: Node| {
        let key = key_string(&k);
        match index.get(&key) {
            Some(&i) => out[i].1 = v,
            None => {
                index.insert(key, out.len());
                out.push((k, v));
            }
        }
    };
    for (k, v) in std::mem::take(entries) {
        if !is_merge_key(&k) {
            set(&mut out, k, v);
            continue;
        }
        let maps: Vec<Node> = match v.kind {
            NodeKind::Map(_) => vec![v],
            NodeKind::Seq(items) => {
                if items.iter().any(|i| !matches!(i.kind, NodeKind::Map(_))) {
                    return Err(WANT_MAP.into());
                }
                items.into_iter().rev().collect()
            }
            NodeKind::Scalar { .. } => return Err(WANT_MAP.into()),
        };
        for m in maps {
            if let NodeKind::Map(pairs) = m.kind {
                for (mk, mv) in pairs {
                    set(&mut out, mk, mv);
                }
            }
        }
    }
    *entries = out;
    Ok(())
}

/// Characters YAML forbids in a stream (outside YAML's printable set), with the position of
/// the first one: go-yaml refuses them as "control characters are not allowed".
fn first_control_character(text: &str) -> Option<Pos> {
    let printable = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
            || c == '\u{FEFF}'
    };
    let mut line = 1;
    let mut column = 1;
    for c in text.chars() {
        if !printable(c) {
            return Some(Pos { line, column });
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    None
}

/// Reads bytes as UTF-8 text, or says where the first invalid byte stands (go-yaml refuses
/// such input with "invalid leading UTF-8 octet" or "incomplete UTF-8 octet sequence").
pub fn from_utf8(bytes: &[u8]) -> Result<&str, SyntaxError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        // The prefix is valid UTF-8, so it can be counted by characters.
        let before = std::str::from_utf8(good).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let byte = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
        SyntaxError {
            pos: Pos { line, column },
            message: match e.error_len() {
                Some(_) => format!("invalid UTF-8: unexpected byte 0x{byte:02x}"),
                None => "invalid UTF-8: incomplete character at the end".to_string(),
            },
        }
    })
}

/// Parses a multi-document YAML (or JSON) stream. A byte-order mark at the start is skipped.
/// Nesting, alias expansion and duplicate keys are bounded and checked as go-yaml checks them,
/// so no input can exhaust the stack or memory.
pub fn parse_stream(text: &str) -> Result<Vec<Document>, SyntaxError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if let Some(pos) = first_control_character(text) {
        return Err(SyntaxError {
            pos,
            message: "control characters are not allowed".into(),
        });
    }
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    // Events are pulled one at a time (the parser's own `load` recurses once per nesting
    // level and would overflow the stack on deep input).
    loop {
        let (ev, mark) = match parser.next_token() {
            Ok(pair) => pair,
            Err(e) => {
                return Err(SyntaxError {
                    pos: pos_of(e.marker()),
                    message: e.info().to_string(),
                })
            }
        };
        let end = ev == Event::StreamEnd;
        builder.on_event(ev, mark);
        if let Some(err) = builder.error.take() {
            return Err(err);
        }
        if end {
            break;
        }
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
    #[test]
    fn deep_nesting_is_an_error_at_its_line_not_a_stack_overflow() {
        // Block sequences nested 20,000 deep (`- - - …`) and flow ones (`[[[…`).
        let block = "- ".repeat(20_000) + "x\n";
        let err = parse_stream(&block).unwrap_err();
        assert!(
            err.message.starts_with("exceeded max depth of 128"),
            "{err}"
        );
        assert_eq!(err.pos.line, 1);
        let flow = "a:\n  b: ".to_string() + &"[".repeat(50_000);
        let err = parse_stream(&flow).unwrap_err();
        assert_eq!(err.pos.line, 2, "{err}");
        // 127 levels is fine.
        let ok = "[".repeat(127) + &"]".repeat(127);
        assert!(parse_stream(&ok).is_ok());
    }

    #[test]
    fn alias_bombs_are_refused_before_they_take_memory() {
        // The "billion laughs" document: nine levels of ten aliases each.
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for w in names.windows(2) {
            let (prev, next) = (w[0], w[1]);
            let refs = vec![format!("*{prev}"); 9].join(",");
            text.push_str(&format!("{next}: &{next} [{refs}]\n"));
        }
        let err = parse_stream(&text).unwrap_err();
        assert_eq!(err.message, "document contains excessive aliasing");
        // Moderate reuse of anchors (a Kubernetes manifest sharing labels) is fine.
        let fine = "base: &b {app: web, tier: front}\nx: *b\ny: *b\nz: [*b, *b, *b]\n";
        assert!(parse_stream(fine).is_ok());
    }

    #[test]
    fn duplicate_keys_are_errors_at_the_second_key() {
        let err = parse_stream("kind: Pod\nmetadata:\n  name: a\n  name: b\n").unwrap_err();
        assert_eq!(err.message, "key \"name\" already set in map");
        assert_eq!(err.pos, Pos { line: 4, column: 3 });
        // `1` and `"1"` are the same JSON key.
        assert!(parse_stream("{1: a, \"1\": b}").is_err());
        // The same key in sibling maps is fine.
        assert!(parse_stream("- {a: 1}\n- {a: 2}\n").is_ok());
    }

    #[test]
    fn merge_keys_merge_as_go_yaml_v2() {
        let docs = parse_stream(
            "base: &base {a: 1, b: 2}\nmore: &more {c: 3}\np:\n  <<: *base\n  b: 20\nq:\n  <<: [*base, *more]\n",
        )
        .unwrap();
        assert_eq!(
            docs[0].root.to_json()["p"],
            serde_json::json!({"a": 1, "b": 20})
        );
        assert_eq!(
            docs[0].root.to_json()["q"],
            serde_json::json!({"a": 1, "b": 2, "c": 3})
        );
        let err = parse_stream("x:\n  <<: 5\n").unwrap_err();
        assert_eq!(
            err.message,
            "map merge requires map or sequence of maps as the value"
        );
    }

    #[test]
    fn invalid_utf8_has_a_position() {
        let err = from_utf8(b"a: 1\nb: caf\xc3\xa9 \xff\n").unwrap_err();
        assert_eq!(err.pos, Pos { line: 2, column: 9 });
        assert_eq!(err.message, "invalid UTF-8: unexpected byte 0xff");
        let err = from_utf8(b"a: \xe2\x82").unwrap_err();
        assert_eq!(err.pos, Pos { line: 1, column: 4 });
        assert_eq!(from_utf8(b"ok").ok(), Some("ok"));
    }

    #[test]
    fn byte_order_marks_and_control_characters() {
        let docs = parse_stream("\u{FEFF}a: 1\n").unwrap();
        assert_eq!(docs[0].root.to_json(), serde_json::json!({"a": 1}));
        let err = parse_stream("a: 1\nb: x\u{0}y\n").unwrap_err();
        assert_eq!(err.message, "control characters are not allowed");
        assert_eq!(err.pos, Pos { line: 2, column: 5 });
    }
}

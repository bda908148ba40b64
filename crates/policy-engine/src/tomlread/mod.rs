//! A small, non-generic reader over `toml`'s spanned parse tree that reproduces what serde's
//! derives over `toml`'s deserializer report: the same values, the same error texts (`invalid
//! type: …`, ``unknown variant `x` ``, ``missing field `x` ``, …), the same span on each error and
//! the same first error when several exist (entries are read in key order, as `toml` walks them).
//!
//! Two sources share the readers: a parsed document ([`parse`], spans on every value) and an owned
//! [`Table`] (`-c` overrides, merged layers), which `toml::Value` used to read without spans, with
//! datetimes as strings and its own enum error.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub use toml_datetime::Datetime;

/// An owned TOML table (keys sorted).
pub type Table = BTreeMap<String, Value>;

/// An owned TOML value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string.
    String(String),
    /// An integer.
    Integer(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Boolean(bool),
    /// A datetime.
    Datetime(Datetime),
    /// An array.
    Array(Vec<Value>),
    /// A table.
    Table(Table),
}

impl Value {
    /// Whether it is a table.
    pub fn is_table(&self) -> bool {
        matches!(self, Self::Table(_))
    }

    /// The table, if it is one.
    pub fn as_table(&self) -> Option<&Table> {
        match self {
            Self::Table(t) => Some(t),
            _ => None,
        }
    }

    /// The string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Boolean(b) => Some(*b),
            _ => None,
        }
    }
}

/// A reading error: serde's/toml's message and, for documents, the byte span it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
    span: Option<Range<usize>>,
}

impl Error {
    /// An error with a message and no span yet.
    pub fn custom(message: impl Into<String>) -> Self {
        Self { message: message.into(), span: None }
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where, in the document.
    pub fn span(&self) -> Option<Range<usize>> {
        self.span.clone()
    }

    /// Sets the span unless one is already set (an inner value's span wins).
    #[must_use]
    pub fn or_span(mut self, span: Option<&Range<usize>>) -> Self {
        if self.span.is_none() {
            self.span = span.cloned();
        }
        self
    }

    /// The same error with no span (serde's buffered content has none).
    #[must_use]
    pub fn without_span(self) -> Self {
        self.at(None)
    }

    fn at(mut self, span: Option<Range<usize>>) -> Self {
        self.span = span;
        self
    }

    /// `toml`'s `Display` for an error of the document `input`: position, snippet, message.
    pub fn render(&self, input: &str) -> String {
        let mut out = String::new();
        if let Some(span) = &self.span {
            let (line, column) = translate_position(input.as_bytes(), span.start);
            let line_num = line + 1;
            let gutter = line_num.to_string().len();
            let content = input.split('\n').nth(line).unwrap_or_default();
            let highlight_len = (span.end.saturating_sub(span.start)).min(content.len().saturating_sub(column));
            let pad = " ".repeat(gutter + 1);
            let _ = writeln!(out, "TOML parse error at line {line_num}, column {}", column + 1);
            let _ = writeln!(out, "{pad}|");
            let _ = writeln!(out, "{line_num} | {content}");
            let _ = writeln!(out, "{pad}|{}^{}", " ".repeat(column + 1), "^".repeat(highlight_len.saturating_sub(1)));
        }
        out.push_str(&self.message);
        out.push('\n');
        out
    }
}

impl From<toml::de::Error> for Error {
    fn from(e: toml::de::Error) -> Self {
        Self { message: e.message().to_owned(), span: e.span() }
    }
}

fn translate_position(input: &[u8], index: usize) -> (usize, usize) {
    if input.is_empty() {
        return (0, index);
    }
    let safe_index = index.min(input.len() - 1);
    let column_offset = index - safe_index;
    let before = input.get(..safe_index).unwrap_or_default();
    let line_start = before.iter().rposition(|b| *b == b'\n').map_or(0, |nl| nl + 1);
    let line = input.get(..line_start).unwrap_or_default().split(|b| *b == b'\n').count() - 1;
    let column = input
        .get(line_start..=safe_index)
        .and_then(|s| std::str::from_utf8(s).ok())
        .map_or(safe_index - line_start, |s| s.chars().count() - 1);
    (line, column + column_offset)
}

/// A parsed document.
pub type Document<'i> = Spanned<DeTable<'i>>;

/// Parses a document (syntax errors only).
pub fn parse(text: &str) -> Result<Document<'_>, Error> {
    DeTable::parse(text).map_err(Error::from)
}

/// The value of `key` when it is the document's only key.
pub fn only_value<'a>(doc: &'a Document<'a>, key: &str) -> Option<Node<'a>> {
    let table = doc.get_ref();
    let (k, v) = table.iter().next()?;
    (table.len() == 1 && k.get_ref().as_ref() == key).then(|| Node::de(v))
}

// ---------------------------------------------------------------------------------------------
// Nodes

#[derive(Clone, Copy)]
enum Src<'a> {
    De(&'a DeValue<'a>),
    DeTable(&'a DeTable<'a>),
    Own(&'a Value),
    OwnTable(&'a Table),
}

/// One value to read, with its span (documents) or none (owned tables).
#[derive(Clone)]
pub struct Node<'a> {
    span: Option<Range<usize>>,
    src: NodeSrc<'a>,
}

#[derive(Clone)]
enum NodeSrc<'a> {
    Src(Src<'a>),
    /// The string inside a datetime read as a map.
    Text(String),
}

const DATETIME_FIELD: &str = "$__toml_private_datetime";

/// An integer as `toml` hands it to a visitor.
#[derive(Clone, Copy)]
enum Int {
    I64(i64),
    U64(u64),
    I128(i128),
    U128(u128),
}

/// A value as a visitor sees it (`deserialize_any`).
pub enum Seen<'a> {
    /// A string.
    Str(Cow<'a, str>),
    /// An integer.
    Int(IntSeen),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// An array's elements.
    Seq(Vec<Node<'a>>),
    /// A table's entries, in key order.
    Map(Vec<Entry<'a>>),
}

/// An integer as seen by a visitor (opaque).
#[derive(Clone, Copy)]
pub struct IntSeen(Int);

/// One table entry.
pub struct Entry<'a> {
    /// The key.
    pub key: Cow<'a, str>,
    /// The key's span.
    pub key_span: Option<Range<usize>>,
    /// The value.
    pub value: Node<'a>,
}

impl<'a> Node<'a> {
    /// The root of a parsed document.
    pub fn document(doc: &'a Document<'a>) -> Self {
        Self { span: Some(doc.span()), src: NodeSrc::Src(Src::DeTable(doc.get_ref())) }
    }

    /// An owned table (no spans).
    pub fn table(table: &'a Table) -> Self {
        Self { span: None, src: NodeSrc::Src(Src::OwnTable(table)) }
    }

    /// An owned value (no spans).
    pub fn value(value: &'a Value) -> Self {
        Self { span: None, src: NodeSrc::Src(Src::Own(value)) }
    }

    fn de(value: &'a Spanned<DeValue<'a>>) -> Self {
        Self { span: Some(value.span()), src: NodeSrc::Src(Src::De(value.get_ref())) }
    }

    /// The span of this value.
    pub fn span(&self) -> Option<Range<usize>> {
        self.span.clone()
    }

    /// Whether this value comes from an owned table (`toml::Value` semantics).
    fn owned(&self) -> bool {
        matches!(self.src, NodeSrc::Src(Src::Own(_) | Src::OwnTable(_)))
    }

    /// Gives `e` this value's span unless it has one.
    pub fn fail(&self, e: Error) -> Error {
        e.or_span(self.span.as_ref())
    }

    fn de_entries(table: &'a DeTable<'a>) -> Vec<Entry<'a>> {
        table
            .iter()
            .map(|(k, v)| Entry {
                key: Cow::Borrowed(k.get_ref().as_ref()),
                key_span: Some(k.span()),
                value: Node::de(v),
            })
            .collect()
    }

    fn own_entries(table: &'a Table) -> Vec<Entry<'a>> {
        table
            .iter()
            .map(|(k, v)| Entry {
                key: Cow::Borrowed(k.as_str()),
                key_span: None,
                value: Node { span: None, src: NodeSrc::Src(Src::Own(v)) },
            })
            .collect()
    }

    fn datetime_map(text: String) -> Vec<Entry<'a>> {
        vec![Entry {
            key: Cow::Borrowed(DATETIME_FIELD),
            key_span: None,
            value: Node { span: None, src: NodeSrc::Text(text) },
        }]
    }

    /// What `deserialize_any` hands a visitor; overflowing numbers are errors (with this span).
    pub fn seen(&self) -> Result<Seen<'a>, Error> {
        let seen = match &self.src {
            NodeSrc::Text(t) => Seen::Str(Cow::Owned(t.clone())),
            NodeSrc::Src(Src::DeTable(t)) => Seen::Map(Self::de_entries(t)),
            NodeSrc::Src(Src::OwnTable(t)) => Seen::Map(Self::own_entries(t)),
            NodeSrc::Src(Src::De(v)) => match v {
                DeValue::String(s) => Seen::Str(Cow::Borrowed(s.as_ref())),
                DeValue::Integer(i) => {
                    let (text, radix) = (i.as_str(), i.radix());
                    let int = if let Ok(v) = i64::from_str_radix(text, radix) {
                        Int::I64(v)
                    } else if let Ok(v) = u64::from_str_radix(text, radix) {
                        Int::U64(v)
                    } else if let Ok(v) = i128::from_str_radix(text, radix) {
                        Int::I128(v)
                    } else if let Ok(v) = u128::from_str_radix(text, radix) {
                        Int::U128(v)
                    } else {
                        return Err(self.fail(Error::custom("integer number overflowed")));
                    };
                    Seen::Int(IntSeen(int))
                }
                DeValue::Float(f) => {
                    let parsed: Option<f64> = f.as_str().parse().ok();
                    match parsed {
                        Some(x) if !x.is_infinite() || f.as_str().contains("inf") => Seen::Float(x),
                        _ => return Err(self.fail(Error::custom("floating-point number overflowed"))),
                    }
                }
                DeValue::Boolean(b) => Seen::Bool(*b),
                DeValue::Datetime(d) => Seen::Map(Self::datetime_map(d.to_string())),
                DeValue::Array(items) => Seen::Seq(items.iter().map(Node::de).collect()),
                DeValue::Table(t) => Seen::Map(Self::de_entries(t)),
            },
            NodeSrc::Src(Src::Own(v)) => match v {
                Value::String(s) => Seen::Str(Cow::Borrowed(s.as_str())),
                Value::Integer(i) => Seen::Int(IntSeen(Int::I64(*i))),
                Value::Float(f) => Seen::Float(*f),
                Value::Boolean(b) => Seen::Bool(*b),
                Value::Datetime(d) => Seen::Str(Cow::Owned(d.to_string())),
                Value::Array(items) => {
                    Seen::Seq(items.iter().map(|v| Node { span: None, src: NodeSrc::Src(Src::Own(v)) }).collect())
                }
                Value::Table(t) => Seen::Map(Self::own_entries(t)),
            },
        };
        Ok(seen)
    }

    /// `toml`'s `type_str` of the underlying value.
    fn type_str(&self) -> &'static str {
        match &self.src {
            NodeSrc::Text(_) => "string",
            NodeSrc::Src(Src::DeTable(_) | Src::OwnTable(_)) => "table",
            NodeSrc::Src(Src::De(v)) => v.type_str(),
            NodeSrc::Src(Src::Own(v)) => match v {
                Value::String(_) => "string",
                Value::Integer(_) => "integer",
                Value::Float(_) => "float",
                Value::Boolean(_) => "boolean",
                Value::Datetime(_) => "datetime",
                Value::Array(_) => "array",
                Value::Table(_) => "table",
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// serde's texts

impl Seen<'_> {
    /// serde's `Unexpected` text for this value.
    pub fn unexpected(&self) -> String {
        match self {
            Seen::Str(s) => format!("string {s:?}"),
            Seen::Int(IntSeen(Int::I64(v))) => format!("integer `{v}`"),
            Seen::Int(IntSeen(Int::U64(v))) => format!("integer `{v}`"),
            Seen::Int(IntSeen(Int::I128(v))) => format!("integer `{v}` as i128"),
            Seen::Int(IntSeen(Int::U128(v))) => format!("integer `{v}` as u128"),
            Seen::Float(f) => format!("floating point `{}`", float_text(*f)),
            Seen::Bool(b) => format!("boolean `{b}`"),
            Seen::Seq(_) => "sequence".to_owned(),
            Seen::Map(_) => "map".to_owned(),
        }
    }
}

fn float_text(f: f64) -> String {
    let mut s = f.to_string();
    if f.is_finite() && !s.contains('.') {
        s.push_str(".0");
    }
    s
}

/// `invalid type: {unexpected}, expected {expected}`.
pub fn invalid_type(seen: &Seen<'_>, expected: &str) -> Error {
    Error::custom(format!("invalid type: {}, expected {expected}", seen.unexpected()))
}

fn invalid_value(unexpected: &str, expected: &str) -> Error {
    Error::custom(format!("invalid value: {unexpected}, expected {expected}"))
}

fn one_of(names: &[&str]) -> String {
    match names {
        [a] => format!("`{a}`"),
        [a, b] => format!("`{a}` or `{b}`"),
        _ => {
            let mut s = "one of ".to_owned();
            for (i, n) in names.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                let _ = write!(s, "`{n}`");
            }
            s
        }
    }
}

/// ``unknown field `x`, expected …``.
pub fn unknown_field(name: &str, fields: &[&str]) -> Error {
    if fields.is_empty() {
        Error::custom(format!("unknown field `{name}`, there are no fields"))
    } else {
        Error::custom(format!("unknown field `{name}`, expected {}", one_of(fields)))
    }
}

/// ``unknown variant `x`, expected …``.
pub fn unknown_variant(name: &str, variants: &[&str]) -> Error {
    if variants.is_empty() {
        Error::custom(format!("unknown variant `{name}`, there are no variants"))
    } else {
        Error::custom(format!("unknown variant `{name}`, expected {}", one_of(variants)))
    }
}

/// ``missing field `x` ``.
pub fn missing_field(name: &str) -> Error {
    Error::custom(format!("missing field `{name}`"))
}

/// ``duplicate field `x` ``.
pub fn duplicate_field(name: &str) -> Error {
    Error::custom(format!("duplicate field `{name}`"))
}

/// `invalid length {len}, expected {expected}`.
pub fn invalid_length(len: usize, expected: &str) -> Error {
    Error::custom(format!("invalid length {len}, expected {expected}"))
}

// ---------------------------------------------------------------------------------------------
// Primitive readers

/// A `String`.
pub fn string(node: &Node<'_>) -> Result<String, Error> {
    match node.seen() {
        Ok(Seen::Str(s)) => Ok(s.into_owned()),
        Ok(other) => Err(node.fail(invalid_type(&other, "a string"))),
        Err(e) => Err(e),
    }
}

/// A `Spanned<String>`.
pub fn spanned_string(node: &Node<'_>) -> Result<Spanned<String>, Error> {
    Ok(spanned(node, string(node)?))
}

/// Wraps a value read from `node` with the node's span.
pub fn spanned<T>(node: &Node<'_>, value: T) -> Spanned<T> {
    Spanned::new(node.span().unwrap_or(0..0), value)
}

/// A `bool`.
pub fn boolean(node: &Node<'_>) -> Result<bool, Error> {
    match node.seen()? {
        Seen::Bool(b) => Ok(b),
        other => Err(node.fail(invalid_type(&other, "a boolean"))),
    }
}

/// An unsigned integer no larger than `max`, named `name` (`u16`, `u64`) in errors.
pub fn unsigned(node: &Node<'_>, max: u64, name: &str) -> Result<u64, Error> {
    let seen = node.seen()?;
    let result = match &seen {
        Seen::Int(IntSeen(Int::I64(v))) => {
            u64::try_from(*v).ok().filter(|v| *v <= max).ok_or_else(|| invalid_value(&format!("integer `{v}`"), name))
        }
        Seen::Int(IntSeen(Int::U64(v))) => {
            if *v <= max {
                Ok(*v)
            } else {
                Err(invalid_value(&format!("integer `{v}`"), name))
            }
        }
        other => Err(invalid_type(other, name)),
    };
    result.map_err(|e| node.fail(e))
}

/// `IgnoredAny`: reads nothing, but numbers `toml` cannot represent are still errors. Walks the
/// tree in [`Node::seen`]'s order without building its entry lists (this runs over every
/// document, so it must cost less than the parse).
pub fn ignore(node: &Node<'_>) -> Result<(), Error> {
    let table = match &node.src {
        NodeSrc::Src(Src::DeTable(t)) => *t,
        NodeSrc::Src(Src::De(DeValue::Table(t))) => t,
        NodeSrc::Src(Src::De(DeValue::Array(items))) => {
            return items.iter().try_for_each(|v| ignore(&Node::de(v))).map_err(|e| node.fail(e));
        }
        NodeSrc::Src(Src::De(DeValue::Integer(_) | DeValue::Float(_))) => return node.seen().map(|_| ()),
        // Strings, booleans and datetimes are always accepted; owned values were range-checked
        // when they were built.
        NodeSrc::Src(Src::De(_) | Src::Own(_) | Src::OwnTable(_)) | NodeSrc::Text(_) => return Ok(()),
    };
    table.iter().try_for_each(|(_, v)| ignore(&Node::de(v))).map_err(|e| node.fail(e))
}

/// A `Vec<T>`: `each` reads one element.
pub fn seq<T>(node: &Node<'_>, each: &mut dyn FnMut(&Node<'_>) -> Result<T, Error>) -> Result<Vec<T>, Error> {
    let mut out = Vec::new();
    seq_each(node, &mut |n| {
        out.push(each(n)?);
        Ok(())
    })?;
    Ok(out)
}

/// The walk behind [`seq`], shared by every element type (only the push is per type).
fn seq_each(node: &Node<'_>, each: &mut dyn FnMut(&Node<'_>) -> Result<(), Error>) -> Result<(), Error> {
    match node.seen()? {
        Seen::Seq(items) => items.iter().try_for_each(each),
        other => Err(invalid_type(&other, "a sequence")),
    }
    .map_err(|e| node.fail(e))
}

/// A `Vec<String>`.
pub fn string_seq(node: &Node<'_>) -> Result<Vec<String>, Error> {
    seq(node, &mut |n| string(n))
}

/// A `Vec<Spanned<String>>`.
pub fn spanned_string_seq(node: &Node<'_>) -> Result<Vec<Spanned<String>>, Error> {
    seq(node, &mut |n| spanned_string(n))
}

/// A `BTreeMap<String, T>`: `each` reads one value.
pub fn map<T>(
    node: &Node<'_>,
    each: &mut dyn FnMut(&Entry<'_>) -> Result<T, Error>,
) -> Result<BTreeMap<String, T>, Error> {
    let mut out = BTreeMap::new();
    map_each(node, &mut |e| {
        let value = each(e)?;
        out.insert(e.key.clone().into_owned(), value);
        Ok(())
    })?;
    Ok(out)
}

/// A map that is only walked: its entries in reading order, which for a table is key order with
/// unique keys (`toml`'s tables are sorted maps), so the same pairs in the same order as [`map`]
/// without a `BTreeMap<String, T>` type of its own in the wasm.
pub fn entries<T>(
    node: &Node<'_>,
    each: &mut dyn FnMut(&Entry<'_>) -> Result<T, Error>,
) -> Result<Vec<(String, T)>, Error> {
    let mut out = Vec::new();
    map_each(node, &mut |e| {
        let value = each(e)?;
        out.push((e.key.clone().into_owned(), value));
        Ok(())
    })?;
    Ok(out)
}

/// The walk behind [`map`], shared by every value type (only the insert is per type).
fn map_each(node: &Node<'_>, each: &mut dyn FnMut(&Entry<'_>) -> Result<(), Error>) -> Result<(), Error> {
    match node.seen()? {
        Seen::Map(entries) => {
            for e in &entries {
                each(e).map_err(|err| node.fail(e.value.fail(err)))?;
            }
            Ok(())
        }
        other => Err(invalid_type(&other, "a map")),
    }
    .map_err(|e| node.fail(e))
}

/// A `BTreeMap<String, bool>`.
pub fn bool_map(node: &Node<'_>) -> Result<BTreeMap<String, bool>, Error> {
    map(node, &mut |e| boolean(&e.value))
}

// ---------------------------------------------------------------------------------------------
// Structs

/// How a struct was written: as a table, or (serde's `visit_seq`) as an array.
pub enum Shape {
    /// A table (fields by name).
    Map,
    /// An array of this many elements (fields by position).
    Seq(usize),
}

/// Which fields of a struct were met, for serde's `duplicate field` error.
struct FieldSet {
    /// Up to 64 fields as bits (every struct here); a list beyond that.
    bits: u64,
    more: Vec<bool>,
}

impl FieldSet {
    fn new(len: usize) -> Self {
        Self { bits: 0, more: if len > 64 { vec![false; len] } else { Vec::new() } }
    }

    /// Marks field `index` as met; false when it already was.
    fn insert(&mut self, index: usize) -> bool {
        if index < 64 && self.more.is_empty() {
            let bit = 1u64 << index;
            let fresh = self.bits & bit == 0;
            self.bits |= bit;
            return fresh;
        }
        match self.more.get_mut(index) {
            Some(slot) => !std::mem::replace(slot, true),
            None => true,
        }
    }

    /// One table entry of a struct: the field it names is read (once), an unknown key is skipped
    /// or, with `deny_unknown`, an error spanned on the key.
    fn read(
        &mut self,
        node: &Node<'_>,
        e: &Entry<'_>,
        names: &[(&'static str, usize)],
        deny_unknown: bool,
        field: &mut dyn FnMut(usize, &Node<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        match names.iter().find(|(n, _)| *n == e.key) {
            Some((_, index)) => {
                if !self.insert(*index) {
                    let canonical = names.iter().find(|(_, i)| i == index).map_or("", |(n, _)| *n);
                    return Err(node.fail(duplicate_field(canonical)));
                }
                field(*index, &e.value).map_err(|err| node.fail(e.value.fail(err)))
            }
            None if deny_unknown => {
                let all: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
                Err(unknown_field(&e.key, &all).at(e.key_span.clone()).or_span(node.span.as_ref()))
            }
            None => ignore(&e.value).map_err(|err| node.fail(err)),
        }
    }
}

/// A derive struct being read: its expecting text (`struct X`) and field count.
pub struct StructReader {
    expecting: &'static str,
    len: usize,
    shape: Shape,
    span: Option<Range<usize>>,
    owned: bool,
}

impl StructReader {
    /// Reads a struct: `field(index, value)` is called for each field present, in the order serde
    /// meets them (key order for tables, position for arrays). `names` lists every accepted key
    /// (aliases included, as serde lists them) with the field index each maps to; unknown keys
    /// are an error when `deny_unknown` (spanned on the key), else skipped.
    pub fn read(
        node: &Node<'_>,
        expecting: &'static str,
        names: &[(&'static str, usize)],
        len: usize,
        deny_unknown: bool,
        field: &mut dyn FnMut(usize, &Node<'_>) -> Result<(), Error>,
    ) -> Result<Self, Error> {
        // A document's table is walked in place (most reads are these; no entry list is built).
        let in_place = match &node.src {
            NodeSrc::Src(Src::DeTable(t)) => Some(*t),
            NodeSrc::Src(Src::De(DeValue::Table(t))) => Some(t),
            _ => None,
        };
        if let Some(table) = in_place {
            let mut fields = FieldSet::new(len);
            for (k, v) in table {
                let entry =
                    Entry { key: Cow::Borrowed(k.get_ref().as_ref()), key_span: Some(k.span()), value: Node::de(v) };
                fields.read(node, &entry, names, deny_unknown, field)?;
            }
            return Ok(Self { expecting, len, shape: Shape::Map, span: node.span(), owned: false });
        }
        let shape = match node.seen()? {
            Seen::Map(entries) => {
                let mut fields = FieldSet::new(len);
                for e in &entries {
                    fields.read(node, e, names, deny_unknown, field)?;
                }
                Shape::Map
            }
            Seen::Seq(items) => {
                for (i, item) in items.iter().take(len).enumerate() {
                    field(i, item).map_err(|e| node.fail(e))?;
                }
                Shape::Seq(items.len())
            }
            other => return Err(node.fail(invalid_type(&other, expecting))),
        };
        Ok(Self { expecting, len, shape, span: node.span(), owned: node.owned() })
    }

    /// A required field: ``missing field `name` `` (table) or `invalid length` (array) when absent.
    pub fn required<T>(&self, index: usize, name: &str, value: Option<T>) -> Result<T, Error> {
        match (value, &self.shape) {
            (Some(v), _) => Ok(v),
            (None, Shape::Map) => Err(missing_field(name).or_span(self.span.as_ref())),
            (None, Shape::Seq(_)) => Err(self.too_short(index)),
        }
    }

    /// An `Option` field: `None` when absent from a table, `invalid length` when an array is short.
    pub fn optional<T>(&self, index: usize, value: Option<T>) -> Result<Option<T>, Error> {
        match (value, &self.shape) {
            (Some(v), _) => Ok(Some(v)),
            (None, Shape::Map) => Ok(None),
            (None, Shape::Seq(_)) => Err(self.too_short(index)),
        }
    }

    /// `toml::Value`'s check after a struct read from an array: no element may be left over.
    pub fn end(&self) -> Result<(), Error> {
        match self.shape {
            Shape::Seq(n) if self.owned && n > self.len => Err(invalid_length(n, "fewer elements in array")),
            _ => Ok(()),
        }
    }

    fn too_short(&self, index: usize) -> Error {
        let plural = if self.len == 1 { "" } else { "s" };
        invalid_length(index, &format!("{} with {} element{plural}", self.expecting, self.len))
            .or_span(self.span.as_ref())
    }
}

// ---------------------------------------------------------------------------------------------
// Enums

/// A variant read from a string or a one-entry table: its index and, for a table, its value.
pub struct Variant<'a> {
    /// Index into the accepted names.
    pub index: usize,
    /// The table entry's value (`None` for a string).
    pub value: Option<Node<'a>>,
}

/// Reads an externally tagged enum's variant (`deserialize_enum`). `names` lists every accepted
/// spelling (aliases included) with the variant index it maps to.
pub fn variant<'a>(node: &Node<'a>, names: &[(&'static str, usize)]) -> Result<Variant<'a>, Error> {
    let all = || names.iter().map(|(n, _)| *n).collect::<Vec<_>>();
    let lookup = |key: &str| names.iter().find(|(n, _)| *n == key).map(|(_, i)| *i);
    let result = match node.seen() {
        Ok(Seen::Str(s)) if !matches!(node.src, NodeSrc::Src(Src::Own(Value::Datetime(_)))) => {
            lookup(&s).map(|index| Variant { index, value: None }).ok_or_else(|| unknown_variant(&s, &all()))
        }
        Ok(Seen::Map(entries)) if !matches!(node.src, NodeSrc::Src(Src::De(DeValue::Datetime(_)))) => {
            match entries.len() {
                0 => Err(Error::custom("wanted exactly 1 element, found 0 elements").at(node.span())),
                1 => {
                    let mut entries = entries;
                    let e = entries.remove(0);
                    match lookup(&e.key) {
                        Some(index) => Ok(Variant { index, value: Some(e.value) }),
                        None => Err(unknown_variant(&e.key, &all()).at(e.key_span)),
                    }
                }
                _ => Err(Error::custom("wanted exactly 1 element, more than 1 element").at(node.span())),
            }
        }
        _ if node.owned() => Err(Error::custom("invalid type: unit variant, expected string only")),
        _ => Err(Error::custom("wanted string or table").at(node.span())),
    };
    result.map_err(|e| node.fail(e))
}

/// A unit variant's value check (`unit_variant`): a string, or a table entry holding an empty
/// array or table.
pub fn unit(v: &Variant<'_>) -> Result<(), Error> {
    let Some(value) = &v.value else {
        return Ok(());
    };
    let empty = match value.seen() {
        Ok(Seen::Seq(items)) => Some((items.is_empty(), "expected empty array")),
        Ok(Seen::Map(entries)) if value.type_str() == "table" => Some((entries.is_empty(), "expected empty table")),
        _ => None,
    };
    match empty {
        Some((true, _)) => Ok(()),
        Some((false, message)) => Err(Error::custom(message).at(value.span())),
        None => Err(Error::custom(format!("expected table, found {}", value.type_str())).at(value.span())),
    }
}

/// A newtype variant's value (`newtype_variant`); a string names the variant but has no value.
pub fn newtype<'a>(v: &Variant<'a>) -> Result<Node<'a>, Error> {
    v.value.clone().ok_or_else(|| Error::custom("invalid type: unit variant, expected newtype variant"))
}

/// A variant identifier read from a value (an internally tagged enum's tag): a name, or serde's
/// variant index for an unsigned integer too large for `i64`.
pub fn variant_identifier(node: &Node<'_>, names: &[&str]) -> Result<usize, Error> {
    let result = match node.seen()? {
        Seen::Str(s) => names.iter().position(|n| *n == s).ok_or_else(|| unknown_variant(&s, names)),
        Seen::Int(IntSeen(Int::U64(v))) => {
            Err(invalid_value(&format!("integer `{v}`"), &format!("variant index 0 <= i < {}", names.len())))
        }
        other => Err(invalid_type(&other, "variant identifier")),
    };
    result.map_err(|e| node.fail(e))
}

/// A unit-only enum: the index of the variant named by `node`.
pub fn unit_enum(node: &Node<'_>, names: &[(&'static str, usize)]) -> Result<usize, Error> {
    let v = variant(node, names)?;
    unit(&v).map_err(|e| node.fail(e))?;
    Ok(v.index)
}

// ---------------------------------------------------------------------------------------------
// Buffered content (untagged / internally tagged enums, flattened maps)

/// Buffers a value as serde's `Content` would: numbers `Content` cannot hold are errors.
pub fn buffer(node: &Node<'_>) -> Result<(), Error> {
    match node.seen()? {
        Seen::Int(IntSeen(Int::I128(_) | Int::U128(_))) => {
            let seen = node.seen()?;
            Err(invalid_type(&seen, "any value"))
        }
        Seen::Seq(items) => items.iter().try_for_each(buffer),
        Seen::Map(entries) => entries.iter().try_for_each(|e| buffer(&e.value)),
        _ => Ok(()),
    }
    .map_err(|e| node.fail(e))
}

/// Reads `node` as buffered content: errors lose their own span (they get the caller's).
pub fn from_content<T>(node: &Node<'_>, read: &mut dyn FnMut(&Node<'_>) -> Result<T, Error>) -> Result<T, Error> {
    read(node).map_err(|e| e.at(None))
}

// ---------------------------------------------------------------------------------------------
// Owned values

/// Reads any value as an owned [`Value`] (`toml::Value`'s visitor).
pub fn value(node: &Node<'_>) -> Result<Value, Error> {
    if let NodeSrc::Src(Src::De(DeValue::Datetime(d))) = &node.src {
        return Ok(Value::Datetime(*d));
    }
    if let NodeSrc::Src(Src::Own(v)) = &node.src {
        return Ok((*v).clone());
    }
    let v = match node.seen()? {
        Seen::Str(s) => Value::String(s.into_owned()),
        Seen::Int(IntSeen(Int::I64(v))) => Value::Integer(v),
        Seen::Int(IntSeen(Int::U64(_))) => return Err(node.fail(Error::custom("u64 value was too large"))),
        seen @ Seen::Int(_) => return Err(node.fail(invalid_type(&seen, "any valid TOML value"))),
        Seen::Float(f) => Value::Float(f),
        Seen::Bool(b) => Value::Boolean(b),
        Seen::Seq(items) => Value::Array(items.iter().map(value).collect::<Result<_, _>>().map_err(|e| node.fail(e))?),
        Seen::Map(entries) => Value::Table(table_entries(&entries).map_err(|e| node.fail(e))?),
    };
    Ok(v)
}

fn table_entries(entries: &[Entry<'_>]) -> Result<Table, Error> {
    let mut out = Table::new();
    for e in entries {
        out.insert(e.key.clone().into_owned(), value(&e.value).map_err(|err| e.value.fail(err))?);
    }
    Ok(out)
}

/// Reads a table as an owned [`Table`] (`toml::Table`'s visitor: a datetime is a one-key map).
pub fn table(node: &Node<'_>) -> Result<Table, Error> {
    match node.seen()? {
        Seen::Map(entries) => table_entries(&entries),
        other => Err(invalid_type(&other, "a map")),
    }
    .map_err(|e| node.fail(e))
}

/// Parses a document into an owned [`Table`] (`toml::from_str::<toml::Table>`).
pub fn parse_table(text: &str) -> Result<Table, Error> {
    let doc = parse(text)?;
    table(&Node::document(&doc))
}

#[cfg(test)]
mod tests;

//! Starlark values as our evaluator represents them, with starlark-rust's type names, `repr`,
//! `str`, equality, ordering and hashing rules (the parts a `.rules` file can observe).

use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

use super::builtins::{Builtin, Method};
use super::error::{EvalError, Fallible};
use super::eval::Closure;

/// Deepest nesting `repr`, `==` and hashing follow before giving up (starlark-rust has the same
/// guard for self-referencing lists).
const MAX_VALUE_DEPTH: u32 = 200;

/// A Starlark value. Mutable containers are shared (`Rc`), as in Starlark.
#[derive(Clone)]
pub(crate) enum Value<'a> {
    None,
    Bool(bool),
    Int(i64),
    Str(Rc<str>),
    List(Rc<List<'a>>),
    Tuple(Rc<Tuple<'a>>),
    Dict(Rc<Dict<'a>>),
    Range(Rc<Range>),
    Function(Rc<Closure<'a>>),
    Builtin(Builtin),
    Method(Rc<(Value<'a>, Method)>),
}

/// A tuple's items.
pub(crate) struct Tuple<'a>(pub Vec<Value<'a>>);

impl<'a> std::ops::Deref for Tuple<'a> {
    type Target = [Value<'a>];

    fn deref(&self) -> &[Value<'a>] {
        &self.0
    }
}

/// A list, with a counter of live iterations (mutating a list while iterating it is an error).
#[derive(Default)]
pub(crate) struct List<'a> {
    pub items: RefCell<Vec<Value<'a>>>,
    pub iterating: Cell<u32>,
}

/// An insertion-ordered dict.
#[derive(Default)]
pub(crate) struct Dict<'a> {
    pub map: RefCell<DictMap<'a>>,
    pub iterating: Cell<u32>,
}

/// `range(start, stop, step)`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Range {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

impl Range {
    #[expect(clippy::similar_names, reason = "Starlark's range fields")]
    pub fn len(self) -> i64 {
        let (start, stop, step) = (i128::from(self.start), i128::from(self.stop), i128::from(self.step));
        let n = if step > 0 {
            if stop > start { (stop - start + step - 1) / step } else { 0 }
        } else if start > stop {
            (start - stop - step - 1) / -step
        } else {
            0
        };
        i64::try_from(n).unwrap_or(i64::MAX)
    }

    pub fn get(self, i: i64) -> i64 {
        self.start.saturating_add(i.saturating_mul(self.step))
    }
}

/// Nested containers are dropped with a work list, not recursively: a value nested a million
/// levels deep (`x = [x]` in a loop) must not overflow the stack when it goes away.
fn drop_iteratively(mut work: Vec<Value<'_>>) {
    while let Some(v) = work.pop() {
        match v {
            Value::List(l) => {
                if let Ok(mut l) = Rc::try_unwrap(l) {
                    work.append(l.items.get_mut());
                }
            }
            Value::Tuple(t) => {
                if let Ok(mut t) = Rc::try_unwrap(t) {
                    work.append(&mut t.0);
                }
            }
            Value::Dict(d) => {
                if let Ok(mut d) = Rc::try_unwrap(d) {
                    let map = d.map.get_mut();
                    map.index.clear();
                    for (k, v) in map.entries.drain(..) {
                        work.push(k);
                        work.push(v);
                    }
                }
            }
            Value::Method(m) => {
                if let Ok((recv, _)) = Rc::try_unwrap(m) {
                    work.push(recv);
                }
            }
            other => drop(other),
        }
    }
}

impl Drop for List<'_> {
    fn drop(&mut self) {
        drop_iteratively(std::mem::take(self.items.get_mut()));
    }
}

impl Drop for Tuple<'_> {
    fn drop(&mut self) {
        drop_iteratively(std::mem::take(&mut self.0));
    }
}

impl Drop for Dict<'_> {
    fn drop(&mut self) {
        let map = self.map.get_mut();
        map.index.clear();
        let mut work = Vec::with_capacity(map.entries.len() * 2);
        for (k, v) in map.entries.drain(..) {
            work.push(k);
            work.push(v);
        }
        drop_iteratively(work);
    }
}

/// The hashable projection of a value (dict keys).
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    None,
    Bool(bool),
    Int(i64),
    Str(Rc<str>),
    Tuple(Vec<Key>),
    Range(i64, i64, i64),
    Identity(usize),
}

/// Entries in insertion order plus an index from key to position.
#[derive(Default)]
pub(crate) struct DictMap<'a> {
    pub entries: Vec<(Value<'a>, Value<'a>)>,
    index: HashMap<Key, usize>,
}

impl<'a> DictMap<'a> {
    pub fn get(&self, key: &Key) -> Option<&Value<'a>> {
        self.index.get(key).and_then(|&i| self.entries.get(i)).map(|(_, v)| v)
    }

    pub fn insert(&mut self, key: Key, k: Value<'a>, v: Value<'a>) {
        if let Some(slot) = self.index.get(&key).and_then(|&i| self.entries.get_mut(i)) {
            slot.1 = v;
        } else {
            self.index.insert(key, self.entries.len());
            self.entries.push((k, v));
        }
    }

    pub fn remove(&mut self, key: &Key) -> Option<Value<'a>> {
        let i = self.index.remove(key)?;
        if i >= self.entries.len() {
            return None;
        }
        let (_, v) = self.entries.remove(i);
        for pos in self.index.values_mut() {
            if *pos > i {
                *pos -= 1;
            }
        }
        Some(v)
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.index.clear();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

impl<'a> Value<'a> {
    pub fn str(s: &str) -> Self {
        Value::Str(Rc::from(s))
    }

    pub fn string(s: String) -> Self {
        Value::Str(Rc::from(s))
    }

    pub fn list(items: Vec<Value<'a>>) -> Self {
        Value::List(Rc::new(List { items: RefCell::new(items), iterating: Cell::new(0) }))
    }

    pub fn tuple(items: Vec<Value<'a>>) -> Self {
        Value::Tuple(Rc::new(Tuple(items)))
    }

    /// starlark-rust's `get_type()`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
            Value::Range(_) => "range",
            Value::Function(_) | Value::Builtin(_) | Value::Method(_) => "function",
        }
    }

    /// Starlark truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) => !l.items.borrow().is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::Dict(d) => d.map.borrow().len() > 0,
            Value::Range(r) => r.len() > 0,
            Value::Function(_) | Value::Builtin(_) | Value::Method(_) => true,
        }
    }

    /// `repr(x)`.
    pub fn repr(&self) -> String {
        let mut out = String::new();
        self.write_repr(&mut out, 0);
        out
    }

    /// `str(x)`: strings as they are, everything else as `repr`.
    pub fn to_str(&self) -> String {
        match self {
            Value::Str(s) => s.to_string(),
            other => other.repr(),
        }
    }

    pub fn write_str(&self, out: &mut String) {
        match self {
            Value::Str(s) => out.push_str(s),
            other => other.write_repr(out, 0),
        }
    }

    pub fn write_repr(&self, out: &mut String, depth: u32) {
        if depth > MAX_VALUE_DEPTH {
            out.push_str("...");
            return;
        }
        match self {
            Value::None => out.push_str("None"),
            Value::Bool(true) => out.push_str("True"),
            Value::Bool(false) => out.push_str("False"),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Str(s) => string_repr(s, out),
            Value::List(l) => {
                // A list that contains itself prints as `[...]`, as in starlark-rust.
                if l.iterating.get() == u32::MAX {
                    out.push_str("[...]");
                    return;
                }
                let saved = l.iterating.replace(u32::MAX);
                out.push('[');
                for (i, v) in l.items.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write_repr(out, depth + 1);
                }
                out.push(']');
                l.iterating.set(saved);
            }
            Value::Tuple(t) => {
                out.push('(');
                for (i, v) in t.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write_repr(out, depth + 1);
                }
                if t.len() == 1 {
                    out.push(',');
                }
                out.push(')');
            }
            Value::Dict(d) => {
                if d.iterating.get() == u32::MAX {
                    out.push_str("{...}");
                    return;
                }
                let saved = d.iterating.replace(u32::MAX);
                out.push('{');
                for (i, (k, v)) in d.map.borrow().entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    k.write_repr(out, depth + 1);
                    out.push_str(": ");
                    v.write_repr(out, depth + 1);
                }
                out.push('}');
                d.iterating.set(saved);
            }
            Value::Range(r) => {
                let _ = if r.step == 1 && r.start == 0 {
                    write!(out, "range({})", r.stop)
                } else if r.step == 1 {
                    write!(out, "range({}, {})", r.start, r.stop)
                } else {
                    write!(out, "range({}, {}, {})", r.start, r.stop, r.step)
                };
            }
            // starlark-rust prints functions as their name (module-qualified for `def`s).
            Value::Function(f) => out.push_str(&f.name),
            Value::Builtin(b) => out.push_str(b.name()),
            Value::Method(m) => out.push_str(m.1.name()),
        }
    }

    /// Hashable projection; `Err` names the unhashable type.
    pub fn key(&self) -> Fallible<Key> {
        self.key_at(0)
    }

    fn key_at(&self, depth: u32) -> Fallible<Key> {
        if depth > MAX_VALUE_DEPTH {
            return Err(EvalError::value("Too many recursion levels"));
        }
        Ok(match self {
            Value::None => Key::None,
            Value::Bool(b) => Key::Bool(*b),
            Value::Int(i) => Key::Int(*i),
            Value::Str(s) => Key::Str(Rc::clone(s)),
            Value::Tuple(t) => Key::Tuple(t.iter().map(|v| v.key_at(depth + 1)).collect::<Fallible<_>>()?),
            Value::Range(r) => Key::Range(r.start, r.stop, r.step),
            Value::Function(f) => Key::Identity(Rc::as_ptr(f).cast::<u8>() as usize),
            Value::Builtin(b) => Key::Identity(*b as usize),
            Value::List(_) | Value::Dict(_) | Value::Method(_) => {
                return Err(EvalError::value(format!("Value of type `{}` is not hashable", self.type_name())));
            }
        })
    }

    /// `==`.
    pub fn equals(&self, other: &Value<'a>) -> Fallible<bool> {
        self.equals_at(other, 0)
    }

    fn equals_at(&self, other: &Value<'a>, depth: u32) -> Fallible<bool> {
        if depth > MAX_VALUE_DEPTH {
            return Err(EvalError::value("Too many recursion levels"));
        }
        Ok(match (self, other) {
            (Value::None, Value::None) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::List(a), Value::List(b)) => {
                Rc::ptr_eq(a, b) || seq_equal(&a.items.borrow(), &b.items.borrow(), depth)?
            }
            (Value::Tuple(a), Value::Tuple(b)) => seq_equal(a, b, depth)?,
            (Value::Dict(a), Value::Dict(b)) => {
                if Rc::ptr_eq(a, b) {
                    return Ok(true);
                }
                let (a, b) = (a.map.borrow(), b.map.borrow());
                if a.len() != b.len() {
                    return Ok(false);
                }
                for (k, v) in &a.entries {
                    match b.get(&k.key()?) {
                        Some(w) if v.equals_at(w, depth + 1)? => {}
                        _ => return Ok(false),
                    }
                }
                true
            }
            (Value::Range(a), Value::Range(b)) => {
                let (la, lb) = (a.len(), b.len());
                la == lb && (la == 0 || (a.start == b.start && (la == 1 || a.step == b.step)))
            }
            (Value::Function(a), Value::Function(b)) => Rc::ptr_eq(a, b),
            (Value::Builtin(a), Value::Builtin(b)) => a == b,
            _ => false,
        })
    }

    /// `<` and friends: same-type ordering, else starlark-rust's "not supported" error, whose
    /// operation name depends on the left operand's type.
    pub fn compare(&self, other: &Value<'a>) -> Fallible<Ordering> {
        self.compare_at(other, 0)
    }

    fn compare_at(&self, other: &Value<'a>, depth: u32) -> Fallible<Ordering> {
        if depth > MAX_VALUE_DEPTH {
            return Err(EvalError::value("Too many recursion levels"));
        }
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => Ok(a.cmp(b)),
            (Value::Int(a), Value::Int(b)) => Ok(a.cmp(b)),
            (Value::Str(a), Value::Str(b)) => Ok(a.cmp(b)),
            (Value::List(a), Value::List(b)) => seq_compare(&a.items.borrow(), &b.items.borrow(), depth),
            (Value::Tuple(a), Value::Tuple(b)) => seq_compare(a, b, depth),
            _ => {
                let op = match self {
                    Value::Bool(_) => "<>",
                    Value::Str(_) | Value::List(_) | Value::Tuple(_) => "cmp()",
                    _ => "compare",
                };
                Err(EvalError::binary_unsupported(op, self, other))
            }
        }
    }
}

fn seq_equal<'a>(a: &[Value<'a>], b: &[Value<'a>], depth: u32) -> Fallible<bool> {
    if a.len() != b.len() {
        return Ok(false);
    }
    for (x, y) in a.iter().zip(b) {
        if !x.equals_at(y, depth + 1)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn seq_compare<'a>(a: &[Value<'a>], b: &[Value<'a>], depth: u32) -> Fallible<Ordering> {
    for (x, y) in a.iter().zip(b) {
        if !x.equals_at(y, depth + 1)? {
            return x.compare_at(y, depth + 1);
        }
    }
    Ok(a.len().cmp(&b.len()))
}

/// starlark-rust's string `repr`: double quotes, `\n \r \t \\ \"`, `\xNN` for other bytes below
/// 0x100 that need escaping, `\uNNNN`/`\UNNNNNNNN` for non-alphanumeric non-ASCII.
pub(crate) fn string_repr(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        let code = c as u32;
        let escape = match c {
            '"' | '\\' => true,
            _ if code < 0x20 => true,
            _ if code < 0x7f => false,
            _ if code <= 0xff => true,
            _ => !c.is_alphanumeric(),
        };
        if !escape {
            out.push(c);
            continue;
        }
        let _ = match c {
            '\n' => write!(out, "\\n"),
            '\r' => write!(out, "\\r"),
            '\t' => write!(out, "\\t"),
            '\\' => write!(out, "\\\\"),
            '"' => write!(out, "\\\""),
            _ if code < 0x100 => write!(out, "\\x{code:02x}"),
            _ if code < 0x10000 => write!(out, "\\u{code:04x}"),
            _ => write!(out, "\\U{code:08x}"),
        };
    }
    out.push('"');
}

/// `<type> (repr: <repr>)`, the repr shortened to about 60 characters, as starlark-rust prints a
/// value in type errors.
pub(crate) fn display_for_type_error(v: &Value<'_>) -> String {
    let mut repr = v.repr();
    let max_len = 60usize;
    if repr.len() > max_len && repr.chars().count() > max_len {
        let take_from_back = (max_len - 7) / 3;
        let take_from_front = take_from_back * 2;
        let front = split_at_boundary(&repr, take_from_front).0;
        let back = split_at_boundary(&repr, repr.len().saturating_sub(take_from_back)).1;
        repr = format!("{front}<<...>>{back}");
    }
    format!("{} (repr: {repr})", v.type_name())
}

fn split_at_boundary(s: &str, index: usize) -> (&str, &str) {
    for i in index..s.len() {
        if s.is_char_boundary(i) {
            return s.split_at(i);
        }
    }
    (s, "")
}

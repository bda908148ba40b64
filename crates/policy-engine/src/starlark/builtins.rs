//! Global functions, methods and operators of the Starlark subset, with starlark-rust's argument
//! binding and messages.
#![expect(clippy::similar_names, reason = "start/stop/step and a1/a2 are Starlark's own parameter names")]
#![expect(clippy::many_single_char_names, reason = "short names mirror starlark-rust's implementations")]

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::rc::Rc;

use starlark_syntax::dot_format_parser::{FormatConv, FormatToken};
use starlark_syntax::fast_string;

use super::error::{EvalError, Fallible};
use super::eval::{Interp, Iter};
use super::parse::format::FormatParser;
use super::rules;
use super::value::{Dict, List, Range, Value, display_for_type_error};
use crate::diagnostic::Span;

/// Evaluated call arguments, each with the span of its argument expression.
#[derive(Default)]
pub(crate) struct Args<'a> {
    pub pos: Vec<(Value<'a>, Span)>,
    /// Named arguments; names borrow from the syntax tree (no allocation per call).
    pub named: Vec<(&'a str, Value<'a>, Span)>,
    pub star: Option<(Value<'a>, Span)>,
    pub star_star: Option<(Value<'a>, Span)>,
}

/// A function's parameters as starlark-rust's `ParametersSpec` sees them.
pub(crate) struct Spec<'s> {
    pub fname: &'s str,
    /// Regular parameters in order.
    pub names: &'s [&'s str],
    pub required: &'s [bool],
    /// The first `pos_only` parameters cannot be passed by name.
    pub pos_only: usize,
    /// The first `positional` parameters can be passed by position.
    pub positional: usize,
    pub args: bool,
    pub kwargs: bool,
    /// Native functions whose parameters are all positional-only take starlark-rust's fast path,
    /// which words its errors differently (``Wrong number of positional arguments…``).
    pub fast: bool,
}

/// Arguments bound to parameters.
pub(crate) struct Bound<'a> {
    pub slots: Vec<Option<(Value<'a>, Span)>>,
    /// Extra positional arguments (only when the function takes `*args`).
    pub star: Option<Vec<Value<'a>>>,
    /// Extra named arguments (only when it takes `**kwargs`).
    pub kwargs: Option<Vec<(Rc<str>, Value<'a>)>>,
}

impl<'a> Bound<'a> {
    fn get(&self, i: usize) -> Option<&(Value<'a>, Span)> {
        self.slots.get(i).and_then(Option::as_ref)
    }

    fn value(&self, i: usize) -> Option<Value<'a>> {
        self.get(i).map(|(v, _)| v.clone())
    }
}

/// Binds arguments exactly as starlark-rust's `ParametersSpec::collect` does, including the
/// order in which it reports problems (missing before extra).
pub(crate) fn bind<'a>(interp: &mut Interp<'a, '_>, spec: &Spec<'_>, args: Args<'a>) -> Fallible<Bound<'a>> {
    if spec.fast {
        return bind_positional(interp, spec, args);
    }
    let n = spec.names.len();
    let mut slots: Vec<Option<(Value<'a>, Span)>> = vec![None; n];
    let mut star = Vec::new();
    let mut kwargs: Vec<(Rc<str>, Value<'a>)> = Vec::new();
    let mut next = 0usize;
    let mut place = |v: Value<'a>, sp: Span, next: &mut usize, slots: &mut Vec<Option<(Value<'a>, Span)>>| {
        if *next < spec.positional {
            if let Some(s) = slots.get_mut(*next) {
                *s = Some((v, sp));
            }
            *next += 1;
        } else {
            star.push(v);
        }
    };
    for (v, sp) in args.pos {
        place(v, sp, &mut next, &mut slots);
    }
    let index_of =
        |name: &str| spec.names.iter().skip(spec.pos_only).position(|n| *n == name).map(|i| i + spec.pos_only);
    let mut lowest_name = usize::MAX;
    for (name, v, sp) in args.named {
        match index_of(name) {
            Some(i) => {
                if let Some(s) = slots.get_mut(i) {
                    *s = Some((v, sp));
                }
                lowest_name = lowest_name.min(i);
            }
            None => kwargs.push((Rc::from(name), v)),
        }
    }
    if let Some((v, sp)) = args.star {
        let iter = Iter::new(&v).map_err(|_| EvalError::value("The argument provided for *args is not iterable"))?;
        for item in iter {
            interp.tick(1)?;
            place(item, sp, &mut next, &mut slots);
        }
    }
    if next > lowest_name {
        let name = spec.names.get(lowest_name).copied().unwrap_or_default();
        return Err(EvalError::value(format!("Argument `{name}` occurs more than once")));
    }
    if let Some((v, sp)) = args.star_star {
        let Value::Dict(d) = &v else {
            return Err(EvalError::value("The argument provided for **kwargs is not a dictionary"));
        };
        for (k, item) in &d.map.borrow().entries {
            let Value::Str(k) = k else {
                return Err(EvalError::value("The argument provided for *args is not an identifier"));
            };
            let repeated = if let Some(i) = index_of(k) {
                slots.get_mut(i).is_some_and(|s| s.replace((item.clone(), sp)).is_some())
            } else {
                let dup = kwargs.iter().any(|(n, _)| n == k);
                if !dup {
                    kwargs.push((Rc::clone(k), item.clone()));
                }
                dup
            };
            if repeated {
                return Err(EvalError::value(format!("Argument `{k}` occurs more than once")));
            }
        }
    }
    for i in next..n {
        if slots.get(i).is_some_and(Option::is_none) && spec.required.get(i).copied().unwrap_or(false) {
            let name = spec.names.get(i).copied().unwrap_or_default();
            let kind = if i < spec.pos_only {
                "positional-only "
            } else if i >= spec.positional {
                "named-only "
            } else {
                ""
            };
            return Err(EvalError::value(format!("Missing {kind}parameter `{name}` for call to `{}`", spec.fname)));
        }
    }
    if !star.is_empty() && !spec.args {
        return Err(EvalError::value(format!(
            "Found {} extra positional argument(s) for call to {}",
            star.len(),
            spec.fname
        )));
    }
    if !kwargs.is_empty() && !spec.kwargs {
        let names: Vec<&str> = kwargs.iter().map(|(n, _)| &**n).collect();
        return Err(EvalError::value(format!(
            "Found `{}` extra named parameter(s) for call to {}",
            names.join("` `"),
            spec.fname
        )));
    }
    Ok(Bound { slots, star: spec.args.then_some(star), kwargs: spec.kwargs.then_some(kwargs) })
}

/// starlark-rust's `Arguments::optional`: named arguments are rejected first (the function is
/// called "function" there), then the positional count is checked.
fn bind_positional<'a>(interp: &mut Interp<'a, '_>, spec: &Spec<'_>, args: Args<'a>) -> Fallible<Bound<'a>> {
    let mut extra: Vec<String> = args.named.iter().map(|(n, _, _)| n.to_string()).collect();
    if let Some((v, _)) = &args.star_star {
        let Value::Dict(d) = v else {
            return Err(EvalError::value("The argument provided for **kwargs is not a dictionary"));
        };
        for (k, _) in &d.map.borrow().entries {
            match k {
                Value::Str(k) => extra.push(k.to_string()),
                _ => return Err(EvalError::value("The argument provided for *args is not an identifier")),
            }
        }
    }
    if !extra.is_empty() {
        return Err(EvalError::value(format!(
            "Found `{}` extra named parameter(s) for call to function",
            extra.join("` `")
        )));
    }
    let mut pos = args.pos;
    if let Some((v, sp)) = args.star {
        for item in Iter::new(&v)? {
            interp.tick(1)?;
            pos.push((item, sp));
        }
    }
    let min = spec.required.iter().take_while(|r| **r).count();
    let max = spec.names.len();
    if pos.len() < min || pos.len() > max {
        let expected = if min == max { min.to_string() } else { format!("between {min} and {max}") };
        return Err(EvalError::value(format!(
            "Wrong number of positional arguments, expected {expected}, got {}",
            pos.len()
        )));
    }
    let mut slots: Vec<Option<(Value<'a>, Span)>> = pos.into_iter().map(Some).collect();
    slots.resize(max, None);
    Ok(Bound { slots, star: None, kwargs: None })
}

macro_rules! builtins {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// A global function.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Builtin { $($variant),* }

        impl Builtin {
            const ALL: &'static [Builtin] = &[$(Builtin::$variant),*];

            /// Its Starlark name.
            pub fn name(self) -> &'static str {
                match self { $(Builtin::$variant => $name),* }
            }
        }
    };
}

builtins! {
    List => "list", Tuple => "tuple", Dict => "dict", Bool => "bool", Chr => "chr", Ord => "ord", Repr => "repr",
    Str => "str", Range => "range", Int => "int", Abs => "abs", Float => "float", Max => "max", Min => "min",
    Zip => "zip", Fail => "fail", Any => "any", All => "all", Dir => "dir", Enumerate => "enumerate",
    Getattr => "getattr", Hasattr => "hasattr", Hash => "hash", Len => "len",
    Reversed => "reversed", Sorted => "sorted", Type => "type", PrefixRule => "prefix_rule",
    NetworkRule => "network_rule", HostExecutable => "host_executable",
}

impl Builtin {
    /// Every global name (Codex's globals: starlark's standard ones plus the three rule builtins)
    /// in the sorted order starlark-rust's "did you mean" suggestions consider them in.
    pub const GLOBAL_NAMES: &'static [&'static str] = &[
        "False",
        "None",
        "True",
        "abs",
        "all",
        "any",
        "bool",
        "chr",
        "dict",
        "dir",
        "enumerate",
        "fail",
        "float",
        "getattr",
        "hasattr",
        "hash",
        "host_executable",
        "int",
        "len",
        "list",
        "max",
        "min",
        "network_rule",
        "ord",
        "prefix_rule",
        "range",
        "repr",
        "reversed",
        "sorted",
        "str",
        "tuple",
        "type",
        "zip",
    ];

    pub fn lookup(name: &str) -> Option<Builtin> {
        Builtin::ALL.iter().copied().find(|b| b.name() == name)
    }
}

macro_rules! methods {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// A method of a built-in type.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Method { $($variant),* }

        impl Method {
            /// Its Starlark name.
            pub fn name(self) -> &'static str {
                match self { $(Method::$variant => $name),* }
            }
        }
    };
}

methods! {
    Capitalize => "capitalize", Codepoints => "codepoints", Count => "count", Elems => "elems",
    Endswith => "endswith", Find => "find", Format => "format", Index => "index", Isalnum => "isalnum",
    Isalpha => "isalpha", Isdigit => "isdigit", Islower => "islower", Isspace => "isspace", Istitle => "istitle",
    Isupper => "isupper", Join => "join", Lower => "lower", Lstrip => "lstrip", Partition => "partition",
    Removeprefix => "removeprefix", Removesuffix => "removesuffix", Replace => "replace", Rfind => "rfind",
    Rindex => "rindex", Rpartition => "rpartition", Rsplit => "rsplit", Rstrip => "rstrip", Split => "split",
    Splitlines => "splitlines", Startswith => "startswith", Strip => "strip", Title => "title", Upper => "upper",
    Append => "append", Clear => "clear", Extend => "extend", ListIndex => "index", Insert => "insert",
    Pop => "pop", Remove => "remove", Get => "get", Items => "items", Keys => "keys", DictPop => "pop",
    Popitem => "popitem", Setdefault => "setdefault", Update => "update", Values => "values",
}

const STR_METHODS: &[Method] = &[
    Method::Capitalize,
    Method::Codepoints,
    Method::Count,
    Method::Elems,
    Method::Endswith,
    Method::Find,
    Method::Format,
    Method::Index,
    Method::Isalnum,
    Method::Isalpha,
    Method::Isdigit,
    Method::Islower,
    Method::Isspace,
    Method::Istitle,
    Method::Isupper,
    Method::Join,
    Method::Lower,
    Method::Lstrip,
    Method::Partition,
    Method::Removeprefix,
    Method::Removesuffix,
    Method::Replace,
    Method::Rfind,
    Method::Rindex,
    Method::Rpartition,
    Method::Rsplit,
    Method::Rstrip,
    Method::Split,
    Method::Splitlines,
    Method::Startswith,
    Method::Strip,
    Method::Title,
    Method::Upper,
];
const LIST_METHODS: &[Method] =
    &[Method::Append, Method::Clear, Method::Extend, Method::ListIndex, Method::Insert, Method::Pop, Method::Remove];
const DICT_METHODS: &[Method] = &[
    Method::Clear,
    Method::Get,
    Method::Items,
    Method::Keys,
    Method::DictPop,
    Method::Popitem,
    Method::Setdefault,
    Method::Update,
    Method::Values,
];

fn methods_of(v: &Value<'_>) -> &'static [Method] {
    match v {
        Value::Str(_) => STR_METHODS,
        Value::List(_) => LIST_METHODS,
        Value::Dict(_) => DICT_METHODS,
        _ => &[],
    }
}

/// `obj.name`: a bound method, or starlark-rust's "no attribute" error.
pub(crate) fn get_attr<'a>(obj: &Value<'a>, name: &str) -> Fallible<Value<'a>> {
    let methods = methods_of(obj);
    if let Some(m) = methods.iter().find(|m| m.name() == name) {
        return Ok(Value::Method(Rc::new((obj.clone(), *m))));
    }
    let max = if name.len() <= 2 { 1 } else { 2 };
    let better = methods
        .iter()
        .map(|m| (m.name(), super::resolve_levenshtein(name, m.name())))
        .filter(|(_, d)| *d <= max)
        .min_by_key(|(_, d)| *d);
    Err(EvalError::value(match better {
        Some((b, _)) if !name.is_empty() => {
            format!("Object of type `{}` has no attribute `{name}`, did you mean `{b}`?", obj.type_name())
        }
        _ => format!("Object of type `{}` has no attribute `{name}`", obj.type_name()),
    }))
}

/// `len(x)`.
pub(crate) fn length(v: &Value<'_>) -> Fallible<i64> {
    let n = match v {
        Value::Str(s) => char_len(s),
        Value::List(l) => l.items.borrow().len(),
        Value::Tuple(t) => t.len(),
        Value::Dict(d) => d.map.borrow().len(),
        Value::Range(r) => return Ok(r.len()),
        other => return Err(EvalError::unary_unsupported("len()", other)),
    };
    Ok(i64::try_from(n).unwrap_or(i64::MAX))
}

// ---- argument helpers -------------------------------------------------------------------------

fn want_str(v: &Value<'_>, param: &str) -> Fallible<Rc<str>> {
    match v {
        Value::Str(s) => Ok(Rc::clone(s)),
        other => Err(EvalError::param_type(param, "str", other)),
    }
}

fn want_int(v: &Value<'_>, param: &str) -> Fallible<i64> {
    match v {
        Value::Int(i) if i32::try_from(*i).is_ok() => Ok(*i),
        other => Err(EvalError::param_type(param, "int", other)),
    }
}

/// `NoneOr<i32>` parameters: `None` means absent.
fn opt_int(v: Option<Value<'_>>, param: &str) -> Fallible<Option<i64>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::Int(i)) if i32::try_from(i).is_ok() => Ok(Some(i)),
        Some(other) => Err(EvalError::param_type(param, "None | int", &other)),
    }
}

/// `x[i]` index conversion: ``Expected `int`, but got …``.
fn index_int(v: &Value<'_>) -> Fallible<i64> {
    match v {
        Value::Int(i) if i32::try_from(*i).is_ok() => Ok(*i),
        other => Err(EvalError::value(format!("Expected `int`, but got `{}`", display_for_type_error(other)))),
    }
}

fn collect_iter<'a>(interp: &mut Interp<'a, '_>, v: &Value<'a>) -> Fallible<Vec<Value<'a>>> {
    let mut out = Vec::new();
    for item in Iter::new(v)? {
        interp.tick(1)?;
        out.push(item);
    }
    interp.alloc_items(out.len())?;
    Ok(out)
}

fn char_len(s: &str) -> usize {
    if s.is_ascii() { s.len() } else { s.chars().count() }
}

/// starlark-rust's `convert_slice_indices`: `(start, stop, stride)` clamped to `len`.
fn slice_bounds(
    len: i64,
    start: Option<Value<'_>>,
    stop: Option<Value<'_>>,
    step: Option<Value<'_>>,
) -> Fallible<(i64, i64, i64)> {
    let stride = match step {
        None | Some(Value::None) => 1,
        Some(v) => index_int(&v)?,
    };
    if stride == 0 {
        return Err(EvalError::value("Index `0` is out of bound"));
    }
    let (def_start, def_end, clamp) = if stride < 0 { (len - 1, -1, -1) } else { (0, len, 0) };
    let aux = |v: Option<Value<'_>>, default: i64| -> Fallible<i64> {
        match v {
            None | Some(Value::None) => Ok(default),
            Some(v) => {
                let x = index_int(&v)?;
                Ok((if x < 0 { len + x } else { x }).clamp(clamp, len + clamp))
            }
        }
    };
    Ok((aux(start, def_start)?, aux(stop, def_end)?, stride))
}

/// starlark-rust's `apply_slice`: the positions a slice selects.
fn slice_positions((start, stop, stride): (i64, i64, i64)) -> Vec<usize> {
    let (lo, hi) = if stride < 0 { (stop + 1, start + 1) } else { (start, stop) };
    if lo >= hi {
        return Vec::new();
    }
    let mut v: Vec<usize> = (usize::try_from(lo).unwrap_or(0)..usize::try_from(hi).unwrap_or(0)).collect();
    if stride < 0 {
        v.reverse();
    }
    let step = usize::try_from(stride.unsigned_abs()).unwrap_or(1);
    v.into_iter().step_by(step).collect()
}

pub(crate) fn slice<'a>(
    interp: &mut Interp<'a, '_>,
    obj: &Value<'a>,
    start: Option<Value<'a>>,
    stop: Option<Value<'a>>,
    step: Option<Value<'a>>,
) -> Fallible<Value<'a>> {
    let len = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    match obj {
        Value::List(l) => {
            let items = l.items.borrow();
            let idx = slice_positions(slice_bounds(len(items.len()), start, stop, step)?);
            interp.alloc_items(idx.len())?;
            Ok(Value::list(idx.iter().filter_map(|i| items.get(*i).cloned()).collect()))
        }
        Value::Tuple(t) => {
            let idx = slice_positions(slice_bounds(len(t.len()), start, stop, step)?);
            interp.alloc_items(idx.len())?;
            Ok(Value::tuple(idx.iter().filter_map(|i| t.get(*i).cloned()).collect()))
        }
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            let idx = slice_positions(slice_bounds(len(chars.len()), start, stop, step)?);
            Ok(Value::string(idx.iter().filter_map(|i| chars.get(*i)).collect()))
        }
        Value::Range(r) => {
            let (a, b, c) = slice_bounds(r.len(), start, stop, step)?;
            Ok(Value::Range(Rc::new(Range {
                start: r.start + a * r.step,
                stop: r.start + b * r.step,
                step: c * r.step,
            })))
        }
        other => Err(EvalError::unary_unsupported("[::]", other)),
    }
}

/// `obj[idx]`.
pub(crate) fn index<'a>(_interp: &mut Interp<'a, '_>, obj: &Value<'a>, idx: &Value<'a>) -> Fallible<Value<'a>> {
    fn pos(i: i64, len: usize) -> Fallible<usize> {
        let len = i64::try_from(len).unwrap_or(i64::MAX);
        let j = if i < 0 { len + i } else { i };
        if j < 0 || j >= len {
            return Err(EvalError::value(format!("Index `{j}` is out of bound")));
        }
        Ok(usize::try_from(j).unwrap_or(0))
    }
    match obj {
        Value::List(l) => {
            let i = pos(index_int(idx)?, l.items.borrow().len())?;
            Ok(l.items.borrow().get(i).cloned().unwrap_or(Value::None))
        }
        Value::Tuple(t) => {
            let i = pos(index_int(idx)?, t.len())?;
            Ok(t.get(i).cloned().unwrap_or(Value::None))
        }
        Value::Range(r) => {
            let i = pos(index_int(idx)?, usize::try_from(r.len()).unwrap_or(usize::MAX))?;
            Ok(Value::Int(r.get(i64::try_from(i).unwrap_or(0))))
        }
        Value::Str(s) => {
            let i = match idx {
                Value::Int(i) if i32::try_from(*i).is_ok() => *i,
                other => {
                    return Err(EvalError::value(format!(
                        "Type of parameters mismatch, expected `int`, actual `{}`",
                        display_for_type_error(other)
                    )));
                }
            };
            let n = char_len(s);
            let j = if i < 0 { i64::try_from(n).unwrap_or(0) + i } else { i };
            match usize::try_from(j).ok().and_then(|j| s.chars().nth(j)) {
                Some(c) => Ok(Value::string(c.to_string())),
                None => Err(EvalError::value(format!("Index `{i}` is out of bound"))),
            }
        }
        Value::Dict(d) => {
            let key = idx.key()?;
            d.map
                .borrow()
                .get(&key)
                .cloned()
                .ok_or_else(|| EvalError::value(format!("Key `{}` was not found", idx.repr())))
        }
        // Native functions take `[]` for type expressions (`list[str]`) and reject anything else.
        f @ Value::Builtin(_) => Err(EvalError::unary_unsupported("[]", f)),
        other => Err(EvalError::binary_unsupported("[]", other, idx)),
    }
}

/// `obj[idx] = v`.
pub(crate) fn set_index<'a>(
    _interp: &mut Interp<'a, '_>,
    obj: &Value<'a>,
    idx: &Value<'a>,
    v: Value<'a>,
) -> Fallible<()> {
    match obj {
        Value::List(l) => {
            let i = index_int(idx)?;
            let len = i64::try_from(l.items.borrow().len()).unwrap_or(i64::MAX);
            let j = if i < 0 { len + i } else { i };
            if j < 0 || j >= len {
                return Err(EvalError::value(format!("Index `{j}` is out of bound")));
            }
            check_mutable_list(l)?;
            if let Some(slot) = l.items.borrow_mut().get_mut(usize::try_from(j).unwrap_or(0)) {
                *slot = v;
            }
            Ok(())
        }
        Value::Dict(d) => {
            let key = idx.key()?;
            check_mutable_dict(d)?;
            d.map.borrow_mut().insert(key, idx.clone(), v);
            Ok(())
        }
        _ => Err(EvalError::value("Immutable")),
    }
}

pub(crate) fn check_mutable_list(l: &List<'_>) -> Fallible<()> {
    if l.iterating.get() > 0 {
        return Err(EvalError::value("This operation mutate an iterable for an iterator while iterating."));
    }
    Ok(())
}

fn check_mutable_dict(d: &Dict<'_>) -> Fallible<()> {
    if d.iterating.get() > 0 {
        return Err(EvalError::value("This operation mutate an iterable for an iterator while iterating."));
    }
    Ok(())
}

/// `needle in haystack`.
pub(crate) fn contains<'a>(haystack: &Value<'a>, needle: &Value<'a>) -> Fallible<bool> {
    match haystack {
        Value::List(l) => {
            for x in l.items.borrow().iter() {
                if x.equals(needle)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Value::Tuple(t) => {
            for x in t.iter() {
                if x.equals(needle)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Value::Dict(d) => Ok(d.map.borrow().get(&needle.key()?).is_some()),
        Value::Str(s) => match needle {
            Value::Str(n) => Ok(s.contains(&**n)),
            other => Err(EvalError::value(format!(
                "Type of parameters mismatch, expected `str`, actual `{}`",
                display_for_type_error(other)
            ))),
        },
        Value::Range(r) => Ok(match needle {
            Value::Int(i) => {
                let len = r.len();
                len > 0 && {
                    // In i128: `needle - start` can overflow i64, and `i64::MIN % -1` panics.
                    let (off, step) = (i128::from(*i) - i128::from(r.start), i128::from(r.step));
                    off % step == 0 && (0..i128::from(len)).contains(&(off / step))
                }
            }
            _ => false,
        }),
        other => Err(EvalError::binary_unsupported("in", needle, other)),
    }
}

// ---- formatting -------------------------------------------------------------------------------

/// `"...".format(*args, **kwargs)` (also f-strings, which desugar to it).
pub(crate) fn format<'a>(
    interp: &mut Interp<'a, '_>,
    fmt: &str,
    args: &[Value<'a>],
    kwargs: &[(Rc<str>, Value<'a>)],
) -> Fallible<Value<'a>> {
    let mut parser = FormatParser::new(fmt);
    let mut out = String::new();
    let (mut by_index, mut by_order, mut next) = (false, false, 0usize);
    let mixed = "Cannot mix manual field specification and automatic field numbering in format string";
    loop {
        let token = parser.next().map_err(EvalError::value)?;
        let Some(token) = token else { break };
        match token {
            FormatToken::Text(t) => out.push_str(t),
            FormatToken::Escape(e) => out.push_str(e.as_str()),
            FormatToken::Capture { capture, conv, .. } => {
                let value = if capture.is_empty() {
                    if by_index {
                        return Err(EvalError::value(mixed));
                    }
                    by_order = true;
                    let v = args.get(next).ok_or_else(|| EvalError::value("Not enough parameters in format string"))?;
                    next += 1;
                    v
                } else if capture.bytes().all(|c| c.is_ascii_digit()) {
                    if by_order {
                        return Err(EvalError::value(mixed));
                    }
                    by_index = true;
                    let i: usize = capture.parse().map_err(|e| {
                        EvalError::value(format!("Error parsing `{capture}` as a format string index: {e}"))
                    })?;
                    args.get(i).ok_or_else(|| EvalError::value(format!("Index `{i}` is out of bound")))?
                } else {
                    if let Some(c) = capture.chars().find(|c| matches!(c, '.' | ',' | '[' | ']')) {
                        return Err(EvalError::value(format!("Invalid character '{c}' inside replacement field")));
                    }
                    kwargs
                        .iter()
                        .find(|(k, _)| &**k == capture)
                        .map(|(_, v)| v)
                        .ok_or_else(|| EvalError::value(format!("Key `{capture}` was not found")))?
                };
                match conv {
                    FormatConv::Str => value.write_str(&mut out),
                    FormatConv::Repr => value.write_repr(&mut out, 0),
                }
                interp.alloc_string(out.len())?;
            }
        }
    }
    Ok(Value::string(out))
}

/// `"%s" % x` (starlark-rust's `percent`): `%s %r %d %o %x %X %%`; float conversions are not
/// supported by the playground.
pub(crate) fn percent<'a>(interp: &mut Interp<'a, '_>, fmt: &str, arg: &Value<'a>) -> Fallible<Value<'a>> {
    let values: Vec<Value<'a>> = match arg {
        Value::Tuple(t) => t.to_vec(),
        other => vec![other.clone()],
    };
    let mut values = values.into_iter();
    let mut next = || values.next().ok_or_else(|| EvalError::value("Not enough arguments for format string"));
    let mut out = String::with_capacity(fmt.len() + 20);
    let mut rest = fmt;
    while let Some(i) = rest.find('%') {
        out.push_str(rest.get(..i).unwrap_or_default());
        let after = rest.get(i + 1..).unwrap_or_default();
        let Some(conv) = after.chars().next() else {
            return Err(EvalError::value("Incomplete format"));
        };
        rest = after.get(conv.len_utf8()..).unwrap_or_default();
        match conv {
            '%' => out.push('%'),
            's' => next()?.write_str(&mut out),
            'r' => next()?.write_repr(&mut out, 0),
            'd' | 'o' | 'x' | 'X' => match next()? {
                Value::Int(v) => {
                    let sign = if v < 0 { "-" } else { "" };
                    let a = v.unsigned_abs();
                    let _ = match conv {
                        'd' => write!(out, "{v}"),
                        'o' => write!(out, "{sign}{a:o}"),
                        'x' => write!(out, "{sign}{a:x}"),
                        _ => write!(out, "{sign}{a:X}"),
                    };
                }
                other => return Err(EvalError::unary_unsupported(&format!("format(%{conv})"), &other)),
            },
            'e' | 'E' | 'f' | 'F' | 'g' | 'G' => return Err(EvalError::unsupported(&format!("`%{conv}` (floats)"))),
            other => return Err(EvalError::value(format!("Unsupported format character: {other:?}"))),
        }
        interp.alloc_string(out.len())?;
    }
    out.push_str(rest);
    if values.next().is_some() {
        return Err(EvalError::value("Too many arguments for format string"));
    }
    Ok(Value::string(out))
}

// ---- global functions -------------------------------------------------------------------------

/// A builtin's signature, in the shape of its `#[starlark_module]` declaration.
fn builtin_spec(b: Builtin) -> (&'static [&'static str], &'static [bool], usize, usize, bool, bool) {
    // (names, required, pos_only, positional, *args, **kwargs)
    match b {
        Builtin::List | Builtin::Tuple | Builtin::Bool | Builtin::Float => (&["a"], &[false], 1, 1, false, false),
        Builtin::Dict => (&["a"], &[false], 1, 1, false, true),
        Builtin::Chr => (&["i"], &[true], 1, 1, false, false),
        Builtin::Ord | Builtin::Repr | Builtin::Str | Builtin::Len | Builtin::Type | Builtin::Dir | Builtin::Hash => {
            (&["a"], &[true], 1, 1, false, false)
        }
        Builtin::Range => (&["a1", "a2", "step"], &[true, false, false], 3, 3, false, false),
        Builtin::Int => (&["a", "base"], &[false, false], 1, 2, false, false),
        Builtin::Max | Builtin::Min => (&["key"], &[false], 0, 0, true, false),
        Builtin::Zip | Builtin::Fail => (&[], &[], 0, 0, true, false),
        Builtin::Abs | Builtin::Any | Builtin::All | Builtin::Reversed => (&["x"], &[true], 1, 1, false, false),
        Builtin::Enumerate => (&["it", "start"], &[true, false], 1, 2, false, false),
        Builtin::Getattr => (&["a", "attr", "default"], &[true, true, false], 3, 3, false, false),
        Builtin::Hasattr => (&["a", "attr"], &[true, true], 2, 2, false, false),
        Builtin::Sorted => (&["x", "key", "reverse"], &[true, false, false], 1, 1, false, false),
        Builtin::PrefixRule => (
            &["pattern", "decision", "match", "not_match", "justification"],
            &[true, false, false, false, false],
            0,
            5,
            false,
            false,
        ),
        Builtin::NetworkRule => {
            (&["host", "protocol", "decision", "justification"], &[true, true, true, false], 0, 4, false, false)
        }
        Builtin::HostExecutable => (&["name", "paths"], &[true, true], 0, 2, false, false),
    }
}

pub(crate) fn call_builtin<'a>(
    interp: &mut Interp<'a, '_>,
    b: Builtin,
    args: Args<'a>,
    at: Span,
) -> Fallible<Value<'a>> {
    if b == Builtin::Dict {
        return dict_constructor(interp, args);
    }
    let (names, required, pos_only, positional, star, kw) = builtin_spec(b);
    let fast = pos_only == names.len() && !star && !kw;
    let spec = Spec { fname: b.name(), names, required, pos_only, positional, args: star, kwargs: kw, fast };
    let Bound { slots, star, .. } = bind(interp, &spec, args)?;
    let arg = |i: usize| slots.get(i).and_then(Option::as_ref).map(|(v, _)| v.clone());
    let first = arg(0).unwrap_or(Value::None);
    Ok(match b {
        Builtin::PrefixRule => return rules::prefix_rule(interp, &slots, at),
        Builtin::NetworkRule => return rules::network_rule(interp, &slots, at),
        Builtin::HostExecutable => return rules::host_executable(interp, &slots),
        Builtin::Len => Value::Int(length(&first)?),
        Builtin::Str => Value::string(first.to_str()),
        Builtin::Repr => Value::string(first.repr()),
        Builtin::Type => Value::str(first.type_name()),
        Builtin::Bool => Value::Bool(first.truthy()),
        Builtin::List => match arg(0) {
            None => Value::list(Vec::new()),
            Some(v) => Value::list(collect_iter(interp, &v)?),
        },
        Builtin::Tuple => match arg(0) {
            None => Value::tuple(Vec::new()),
            Some(v) => Value::tuple(collect_iter(interp, &v)?),
        },
        Builtin::Dict => return dict_constructor(interp, Args::default()),
        Builtin::Range => {
            let a1 = want_int(&first, "a1")?;
            let a2 = match arg(1) {
                None => None,
                Some(v) => Some(want_int(&v, "a2")?),
            };
            let step = match arg(2) {
                None => 1,
                Some(v) => want_int(&v, "step")?,
            };
            if step == 0 {
                return Err(EvalError::value("Third argument of range (step) cannot be zero"));
            }
            let (start, stop) = match a2 {
                None => (0, a1),
                Some(stop) => (a1, stop),
            };
            Value::Range(Rc::new(Range { start, stop, step }))
        }
        Builtin::Int => int(arg(0), arg(1))?,
        Builtin::Abs => match first {
            Value::Int(i) => {
                Value::Int(i.checked_abs().ok_or_else(|| EvalError::unsupported("an integer beyond 64 bits"))?)
            }
            other => return Err(EvalError::param_type("x", "float | int", &other)),
        },
        Builtin::Chr => {
            let i = want_int(&first, "i")?;
            let cp = u32::try_from(i)
                .map_err(|_| EvalError::value(format!("chr() parameter value negative integer {i}")))?;
            let c = char::from_u32(cp).ok_or_else(|| {
                EvalError::value(format!("chr() parameter value is 0x{cp:x} which is not a valid UTF-8 codepoint"))
            })?;
            Value::string(c.to_string())
        }
        Builtin::Ord => {
            let s = want_str(&first, "a")?;
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Value::Int(i64::from(u32::from(c))),
                _ => return Err(EvalError::value(format!("ord(): {} is not a single character string", first.repr()))),
            }
        }
        Builtin::Max | Builtin::Min => {
            let items = star.unwrap_or_default();
            let key = arg(0);
            let items = if items.len() == 1 {
                let only = items.first().cloned().unwrap_or(Value::None);
                collect_iter(interp, &only)?
            } else {
                items
            };
            let want = if b == Builtin::Min { Ordering::Greater } else { Ordering::Less };
            let mut it = items.into_iter();
            let Some(mut best) = it.next() else {
                return Err(EvalError::value("Argument is an empty iterable, max() expect a non empty iterable"));
            };
            let mut best_key = match &key {
                Some(k) => interp.call_positional(k, vec![best.clone()], at)?,
                None => best.clone(),
            };
            for v in it {
                let k = match &key {
                    Some(k) => interp.call_positional(k, vec![v.clone()], at)?,
                    None => v.clone(),
                };
                if best_key.compare(&k)? == want {
                    best = v;
                    best_key = k;
                }
            }
            best
        }
        Builtin::Zip => {
            let iters = star.unwrap_or_default();
            let mut cols = Vec::new();
            for v in &iters {
                cols.push(collect_iter(interp, v)?);
            }
            let n = cols.iter().map(Vec::len).min().unwrap_or(0);
            let rows: Vec<Value<'a>> =
                (0..n).map(|i| Value::tuple(cols.iter().filter_map(|c| c.get(i).cloned()).collect())).collect();
            Value::list(rows)
        }
        Builtin::Fail => {
            let mut s = String::from("fail:");
            for v in star.unwrap_or_default() {
                s.push(' ');
                v.write_str(&mut s);
            }
            return Err(EvalError::value(s));
        }
        Builtin::Any | Builtin::All => {
            let want = b == Builtin::Any;
            let mut result = !want;
            for v in Iter::new(&first)? {
                interp.tick(1)?;
                if v.truthy() == want {
                    result = want;
                    break;
                }
            }
            Value::Bool(result)
        }
        Builtin::Enumerate => {
            let start = match arg(1) {
                None => 0,
                Some(v) => want_int(&v, "start")?,
            };
            let items = collect_iter(interp, &first)?;
            Value::list((start..).zip(items).map(|(i, v)| Value::tuple(vec![Value::Int(i), v])).collect())
        }
        Builtin::Reversed => {
            let mut items = collect_iter(interp, &first)?;
            items.reverse();
            Value::list(items)
        }
        Builtin::Sorted => {
            // Parameters are unpacked (and type-checked) before the iterable is read.
            let reverse = match arg(2) {
                None => false,
                Some(Value::Bool(b)) => b,
                Some(other) => return Err(EvalError::param_type("reverse", "bool", &other)),
            };
            let items = collect_iter(interp, &first)?;
            let mut keyed = Vec::with_capacity(items.len());
            for v in items {
                let k = match arg(1) {
                    Some(Value::None) | None => v.clone(),
                    Some(f) => interp.call_positional(&f, vec![v.clone()], at)?,
                };
                keyed.push((v, k));
            }
            interp.tick(keyed.len() as u64 * 8)?;
            let mut err = None;
            keyed.sort_by(|x, y| {
                let o = x.1.compare(&y.1);
                match o {
                    Ok(o) if reverse => o.reverse(),
                    Ok(o) => o,
                    Err(e) => {
                        err.get_or_insert(e);
                        Ordering::Equal
                    }
                }
            });
            if let Some(e) = err {
                return Err(e);
            }
            Value::list(keyed.into_iter().map(|(v, _)| v).collect())
        }
        Builtin::Hasattr => {
            let name = want_str(&arg(1).unwrap_or(Value::None), "attr")?;
            Value::Bool(methods_of(&first).iter().any(|m| m.name() == &*name))
        }
        Builtin::Getattr => {
            let name = want_str(&arg(1).unwrap_or(Value::None), "attr")?;
            match (get_attr(&first, &name), arg(2)) {
                (Ok(v), _) => v,
                (Err(_), Some(default)) => default,
                (Err(_), None) => return Err(EvalError::unary_unsupported(&format!(".{name}"), &first)),
            }
        }
        Builtin::Dir => {
            let mut names: Vec<&str> = methods_of(&first).iter().map(|m| m.name()).collect();
            names.sort_unstable();
            names.dedup();
            Value::list(names.into_iter().map(Value::str).collect())
        }
        Builtin::Float | Builtin::Hash => {
            return Err(EvalError::unsupported(&format!("`{}()`", b.name())));
        }
    })
}

/// `dict(pairs?, **kwargs)`: takes its arguments raw in starlark-rust (at most one positional).
fn dict_constructor<'a>(interp: &mut Interp<'a, '_>, args: Args<'a>) -> Fallible<Value<'a>> {
    let mut pos: Vec<Value<'a>> = args.pos.into_iter().map(|(v, _)| v).collect();
    if let Some((v, _)) = &args.star {
        pos.extend(Iter::new(v)?);
    }
    if pos.len() > 1 {
        return Err(EvalError::value(format!(
            "Wrong number of positional arguments, expected between 0 and 1, got {}",
            pos.len()
        )));
    }
    let dict = Dict::default();
    if let Some(src) = pos.first() {
        update_dict(interp, &dict, src, true)?;
    }
    let mut named: Vec<(Value<'a>, Value<'a>)> = args.named.into_iter().map(|(k, v, _)| (Value::str(k), v)).collect();
    if let Some((v, _)) = &args.star_star {
        let Value::Dict(d) = v else {
            return Err(EvalError::value("The argument provided for **kwargs is not a dictionary"));
        };
        named.extend(d.map.borrow().entries.iter().cloned());
    }
    for (k, v) in named {
        if !matches!(k, Value::Str(_)) {
            return Err(EvalError::value("The argument provided for *args is not an identifier"));
        }
        dict.map.borrow_mut().insert(k.key()?, k, v);
    }
    interp.alloc_items(dict.map.borrow().len())?;
    Ok(Value::Dict(Rc::new(dict)))
}

/// `int(x, base=…)`, as starlark-rust parses strings.
fn int<'a>(a: Option<Value<'a>>, base: Option<Value<'a>>) -> Fallible<Value<'a>> {
    let base = match base {
        None => None,
        Some(v) => Some(want_int(&v, "base")?),
    };
    let Some(a) = a else {
        return Ok(Value::Int(0));
    };
    match a {
        Value::Str(s) => {
            let base = base.unwrap_or(0);
            if base == 1 || !(0..=36).contains(&base) {
                return Err(EvalError::value(format!("{base} is not a valid base, int() base must be >= 2 and <= 36")));
            }
            let (negate, s) = match s.chars().next() {
                Some('+') => (false, s.get(1..).unwrap_or_default()),
                Some('-') => (true, s.get(1..).unwrap_or_default()),
                _ => (false, &*s),
            };
            let prefix = s.get(0..2).map(str::to_ascii_lowercase);
            let base = match (base, prefix.as_deref()) {
                (0, Some("0b")) => 2,
                (0, Some("0o")) => 8,
                (0, Some("0x")) => 16,
                (0, _) => 10,
                (b, _) => u32::try_from(b).unwrap_or(10),
            };
            let digits = match (base, prefix.as_deref()) {
                (16, Some("0x")) | (8, Some("0o")) | (2, Some("0b")) => s.get(2..).unwrap_or_default(),
                _ => s,
            };
            if digits.starts_with(['-', '+']) {
                return Err(EvalError::value(format!("Cannot parse `{digits}` as an integer")));
            }
            let v = i64::from_str_radix(digits, base).map_err(|e| {
                if matches!(e.kind(), std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow) {
                    EvalError::unsupported("an integer beyond 64 bits")
                } else {
                    EvalError::value(format!("Cannot parse `{digits}` as an integer in base {base}"))
                }
            })?;
            Ok(Value::Int(if negate { -v } else { v }))
        }
        Value::Int(_) | Value::Bool(_) if base.is_some() => Err(EvalError::value(format!(
            "int() cannot convert non-string with explicit base '{}'",
            base.unwrap_or_default()
        ))),
        Value::Int(i) => Ok(Value::Int(i)),
        Value::Bool(b) => Ok(Value::Int(i64::from(b))),
        other => Err(EvalError::param_type("a", "bool | float | int | str", &other)),
    }
}

/// `dict(pairs)` (`constructor`) and `d.update(pairs)`: a dict, or an iterable of pairs.
fn update_dict<'a>(interp: &mut Interp<'a, '_>, dict: &Dict<'a>, src: &Value<'a>, constructor: bool) -> Fallible<()> {
    if let Value::Dict(d) = src {
        let entries = d.map.borrow().entries.clone();
        let mut map = dict.map.borrow_mut();
        for (k, v) in entries {
            map.insert(k.key()?, k, v);
        }
        return Ok(());
    }
    for pair in Iter::new(src)? {
        interp.tick(1)?;
        let items: Vec<Value<'a>> = Iter::new(&pair)?.take(3).collect();
        let [k, v] = <[Value<'a>; 2]>::try_from(items).map_err(|_| {
            EvalError::value(if constructor {
                format!("Found a non-pair element in the positional argument of dict(): {}", pair.repr())
            } else {
                "dict.update expect a list of pairs or a dictionary as first argument, got a list of non-pairs."
                    .to_owned()
            })
        })?;
        dict.map.borrow_mut().insert(k.key()?, k, v);
    }
    Ok(())
}

// ---- methods ----------------------------------------------------------------------------------

fn method_spec(m: Method) -> (&'static [&'static str], &'static [bool]) {
    match m {
        Method::Count | Method::Find | Method::Index | Method::Rfind | Method::Rindex | Method::ListIndex => {
            (&["needle", "start", "end"], &[true, false, false])
        }
        Method::Endswith | Method::Removesuffix => (&["suffix"], &[true]),
        Method::Startswith | Method::Removeprefix => (&["prefix"], &[true]),
        Method::Join => (&["to_join"], &[true]),
        Method::Lstrip | Method::Rstrip | Method::Strip => (&["chars"], &[false]),
        Method::Partition | Method::Rpartition | Method::Remove => (&["needle"], &[true]),
        Method::Replace => (&["old", "new", "count"], &[true, true, false]),
        Method::Rsplit | Method::Split => (&["sep", "maxsplit"], &[false, false]),
        Method::Splitlines => (&["keepends"], &[false]),
        Method::Append => (&["el"], &[true]),
        Method::Extend => (&["other"], &[true]),
        Method::Insert => (&["index", "el"], &[true, true]),
        Method::Pop => (&["index"], &[false]),
        Method::Get | Method::DictPop | Method::Setdefault => (&["key", "default"], &[true, false]),
        Method::Update => (&["pairs"], &[false]),
        _ => (&[], &[]),
    }
}

pub(crate) fn call_method<'a>(
    interp: &mut Interp<'a, '_>,
    recv: &Value<'a>,
    m: Method,
    args: Args<'a>,
    _at: Span,
) -> Fallible<Value<'a>> {
    if m == Method::Format {
        let Value::Str(fmt) = recv else {
            return Err(EvalError::value("internal error: format on a non-string"));
        };
        let pos: Vec<Value<'a>> = args.pos.into_iter().map(|(v, _)| v).collect();
        let named: Vec<(Rc<str>, Value<'a>)> = args.named.into_iter().map(|(k, v, _)| (Rc::from(k), v)).collect();
        if args.star.is_some() || args.star_star.is_some() {
            return Err(EvalError::unsupported("`*args` or `**kwargs` in `format()`"));
        }
        return format(interp, fmt, &pos, &named);
    }
    let (names, required) = method_spec(m);
    let kwargs = m == Method::Update;
    let spec = Spec {
        fname: m.name(),
        names,
        required,
        pos_only: names.len(),
        positional: names.len(),
        args: false,
        kwargs,
        fast: !kwargs,
    };
    let bound = bind(interp, &spec, args)?;
    let arg = |i: usize| bound.value(i);
    match recv {
        Value::Str(s) => string_method(interp, s, m, &bound),
        Value::List(l) => list_method(interp, l, m, &bound),
        Value::Dict(d) => {
            let d = Rc::clone(d);
            Ok(match m {
                Method::Get => {
                    let key = arg(0).unwrap_or(Value::None).key()?;
                    d.map.borrow().get(&key).cloned().or_else(|| arg(1)).unwrap_or(Value::None)
                }
                Method::Keys => Value::list(d.map.borrow().entries.iter().map(|(k, _)| k.clone()).collect()),
                Method::Values => Value::list(d.map.borrow().entries.iter().map(|(_, v)| v.clone()).collect()),
                Method::Items => Value::list(
                    d.map.borrow().entries.iter().map(|(k, v)| Value::tuple(vec![k.clone(), v.clone()])).collect(),
                ),
                Method::Clear => {
                    check_mutable_dict(&d)?;
                    d.map.borrow_mut().clear();
                    Value::None
                }
                Method::DictPop => {
                    check_mutable_dict(&d)?;
                    let k = arg(0).unwrap_or(Value::None);
                    let removed = d.map.borrow_mut().remove(&k.key()?);
                    match (removed, arg(1)) {
                        (Some(v), _) | (None, Some(v)) => v,
                        (None, None) => {
                            return Err(EvalError::value(format!(
                                "Key `{}` not found in dictionary `{}`",
                                k.repr(),
                                Value::Dict(Rc::clone(&d)).repr()
                            )));
                        }
                    }
                }
                Method::Popitem => {
                    check_mutable_dict(&d)?;
                    let first = d.map.borrow().entries.first().cloned();
                    let Some((k, v)) = first else {
                        return Err(EvalError::value("Cannot .popitem() on an empty dictionary"));
                    };
                    d.map.borrow_mut().remove(&k.key()?);
                    Value::tuple(vec![k, v])
                }
                Method::Setdefault => {
                    check_mutable_dict(&d)?;
                    let k = arg(0).unwrap_or(Value::None);
                    let key = k.key()?;
                    let existing = d.map.borrow().get(&key).cloned();
                    if let Some(v) = existing {
                        v
                    } else {
                        let v = arg(1).unwrap_or(Value::None);
                        d.map.borrow_mut().insert(key, k, v.clone());
                        v
                    }
                }
                Method::Update => {
                    check_mutable_dict(&d)?;
                    if let Some(src) = arg(0) {
                        update_dict(interp, &d, &src, false)?;
                    }
                    for (k, v) in bound.kwargs.unwrap_or_default() {
                        d.map.borrow_mut().insert(super::value::Key::Str(Rc::clone(&k)), Value::Str(k), v);
                    }
                    Value::None
                }
                _ => return Err(EvalError::value("internal error: dict method")),
            })
        }
        other => {
            Err(EvalError::value(format!("Object of type `{}` has no attribute `{}`", other.type_name(), m.name())))
        }
    }
}

fn list_method<'a>(interp: &mut Interp<'a, '_>, l: &Rc<List<'a>>, m: Method, bound: &Bound<'a>) -> Fallible<Value<'a>> {
    let arg = |i: usize| bound.value(i);
    Ok(match m {
        Method::Append => {
            check_mutable_list(l)?;
            interp.alloc_items(l.items.borrow().len() + 1)?;
            l.items.borrow_mut().push(arg(0).unwrap_or(Value::None));
            Value::None
        }
        Method::Extend => {
            check_mutable_list(l)?;
            let extra = collect_iter(interp, &arg(0).unwrap_or(Value::None))?;
            interp.alloc_items(l.items.borrow().len() + extra.len())?;
            l.items.borrow_mut().extend(extra);
            Value::None
        }
        Method::Clear => {
            check_mutable_list(l)?;
            l.items.borrow_mut().clear();
            Value::None
        }
        Method::Insert => {
            check_mutable_list(l)?;
            let i = want_int(&arg(0).unwrap_or(Value::None), "index")?;
            let len = i64::try_from(l.items.borrow().len()).unwrap_or(i64::MAX);
            let at = if i < 0 { (len + i).max(0) } else { i.min(len) };
            interp.alloc_items(l.items.borrow().len() + 1)?;
            l.items.borrow_mut().insert(usize::try_from(at).unwrap_or(0), arg(1).unwrap_or(Value::None));
            Value::None
        }
        Method::Pop => {
            check_mutable_list(l)?;
            let len = i64::try_from(l.items.borrow().len()).unwrap_or(i64::MAX);
            let i = match arg(0) {
                None => len - 1,
                Some(v) => want_int(&v, "index")?,
            };
            let j = if i < 0 { len + i } else { i };
            if j < 0 || j >= len {
                return Err(EvalError::value(format!("Index `{i}` is out of bound")));
            }
            l.items.borrow_mut().remove(usize::try_from(j).unwrap_or(0))
        }
        Method::Remove => {
            check_mutable_list(l)?;
            let needle = arg(0).unwrap_or(Value::None);
            let mut found = None;
            for (i, x) in l.items.borrow().iter().enumerate() {
                if x.equals(&needle)? {
                    found = Some(i);
                    break;
                }
            }
            match found {
                Some(i) => {
                    l.items.borrow_mut().remove(i);
                }
                None => {
                    return Err(EvalError::value(format!(
                        "Element '{}' not found in list '{}'",
                        needle.to_str(),
                        Value::List(Rc::clone(l)).to_str()
                    )));
                }
            }
            Value::None
        }
        Method::ListIndex => {
            let needle = arg(0).unwrap_or(Value::None);
            let items = l.items.borrow().clone();
            let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
            let (start, end) = bounds(len, opt_int(arg(1), "start")?, opt_int(arg(2), "end")?);
            for i in start..end {
                if items.get(i).is_some_and(|x| x.equals(&needle).unwrap_or(false)) {
                    return Ok(Value::Int(i64::try_from(i).unwrap_or(0)));
                }
            }
            return Err(EvalError::value(format!(
                "Element '{}' not found in '{}'",
                needle.to_str(),
                Value::List(Rc::clone(l)).to_str()
            )));
        }
        _ => return Err(EvalError::value("internal error: list method")),
    })
}

/// `convert_indices`: clamp `start`/`end` (negative from the end) into `0..=len`.
fn bounds(len: i64, start: Option<i64>, end: Option<i64>) -> (usize, usize) {
    let fix = |v: i64| {
        let v = if v < 0 { v + len } else { v };
        usize::try_from(v.clamp(0, len)).unwrap_or(0)
    };
    (fix(start.unwrap_or(0)), fix(end.unwrap_or(len)))
}

fn string_method<'a>(interp: &mut Interp<'a, '_>, s: &Rc<str>, m: Method, bound: &Bound<'a>) -> Fallible<Value<'a>> {
    let arg = |i: usize| bound.value(i);
    let str_arg = |i: usize, name: &str| -> Fallible<Rc<str>> { want_str(&arg(i).unwrap_or(Value::None), name) };
    let opt_str = |i: usize, name: &str, expected: &str| -> Fallible<Option<Rc<str>>> {
        match arg(i) {
            None => Ok(None),
            Some(Value::None) if expected.starts_with("None") => Ok(None),
            Some(Value::Str(x)) => Ok(Some(x)),
            Some(other) => Err(EvalError::param_type(name, expected, &other)),
        }
    };
    let prefixes = |name: &str| -> Fallible<Vec<Rc<str>>> {
        match arg(0).unwrap_or(Value::None) {
            Value::Str(p) => Ok(vec![p]),
            Value::Tuple(t) if t.iter().all(|v| matches!(v, Value::Str(_))) => {
                Ok(t.iter().map(|v| want_str(v, name)).collect::<Fallible<_>>()?)
            }
            other => Err(EvalError::param_type(name, "str | tuple[str, ...]", &other)),
        }
    };
    let count = |n: usize| Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
    let out = match m {
        Method::Lower => Value::string(s.to_lowercase()),
        Method::Upper => Value::string(s.to_uppercase()),
        Method::Capitalize => {
            let mut r = String::with_capacity(s.len());
            for (i, c) in s.chars().enumerate() {
                if i == 0 {
                    r.extend(c.to_uppercase());
                } else {
                    r.extend(c.to_lowercase());
                }
            }
            Value::string(r)
        }
        Method::Title => {
            let mut last_space = true;
            let mut r = String::with_capacity(s.len());
            for c in s.chars() {
                if c.is_alphabetic() {
                    if last_space {
                        r.extend(c.to_uppercase());
                    } else {
                        r.extend(c.to_lowercase());
                    }
                    last_space = false;
                } else {
                    last_space = true;
                    r.extend(c.to_lowercase());
                }
            }
            Value::string(r)
        }
        Method::Isalnum => Value::Bool(!s.is_empty() && s.chars().all(char::is_alphanumeric)),
        Method::Isalpha => Value::Bool(!s.is_empty() && s.chars().all(char::is_alphabetic)),
        Method::Isdigit => Value::Bool(!s.is_empty() && s.chars().all(char::is_numeric)),
        Method::Isspace => Value::Bool(!s.is_empty() && s.chars().all(char::is_whitespace)),
        Method::Islower | Method::Isupper => {
            let lower = m == Method::Islower;
            let cased = |c: char| if lower { c.is_lowercase() } else { c.is_uppercase() };
            let other = |c: char| if lower { c.is_uppercase() } else { c.is_lowercase() };
            Value::Bool(!s.chars().any(other) && s.chars().any(cased))
        }
        Method::Istitle => {
            let (mut last_space, mut result) = (true, false);
            for c in s.chars() {
                if !c.is_alphabetic() {
                    last_space = true;
                    continue;
                }
                if (last_space && c.is_lowercase()) || (!last_space && c.is_uppercase()) {
                    return Ok(Value::Bool(false));
                }
                result = true;
                last_space = false;
            }
            Value::Bool(result)
        }
        Method::Strip | Method::Lstrip | Method::Rstrip => {
            let set = opt_str(0, "chars", "str")?;
            let t: &str = match (&set, m) {
                (None, Method::Strip) => s.trim(),
                (None, Method::Lstrip) => s.trim_start(),
                (None, _) => s.trim_end(),
                (Some(set), Method::Strip) => s.trim_matches(|c| set.contains(c)),
                (Some(set), Method::Lstrip) => s.trim_start_matches(|c| set.contains(c)),
                (Some(set), _) => s.trim_end_matches(|c| set.contains(c)),
            };
            Value::str(t)
        }
        Method::Startswith => Value::Bool(prefixes("prefix")?.iter().any(|p| s.starts_with(&**p))),
        Method::Endswith => Value::Bool(prefixes("suffix")?.iter().any(|p| s.ends_with(&**p))),
        Method::Removeprefix => {
            let p = str_arg(0, "prefix")?;
            Value::str(if p.is_empty() { s } else { s.strip_prefix(&*p).unwrap_or(s) })
        }
        Method::Removesuffix => {
            let p = str_arg(0, "suffix")?;
            Value::str(if p.is_empty() { s } else { s.strip_suffix(&*p).unwrap_or(s) })
        }
        Method::Replace => {
            let old = str_arg(0, "old")?;
            let new = str_arg(1, "new")?;
            let out = match arg(2) {
                None => s.replace(&*old, &new),
                Some(v) => {
                    let c = want_int(&v, "count")?;
                    if c < 0 {
                        return Err(EvalError::value(format!("Replace final argument was negative '{c}'")));
                    }
                    s.replacen(&*old, &new, usize::try_from(c).unwrap_or(0))
                }
            };
            interp.alloc_string(out.len())?;
            Value::string(out)
        }
        Method::Join => {
            let mut out = String::new();
            for (i, v) in Iter::new(&arg(0).unwrap_or(Value::None))?.enumerate() {
                interp.tick(1)?;
                if i > 0 {
                    out.push_str(s);
                }
                out.push_str(&want_str(&v, "to_join")?);
                interp.alloc_string(out.len())?;
            }
            Value::string(out)
        }
        Method::Split | Method::Rsplit => {
            let sep = opt_str(0, "sep", "None | str")?;
            let max = opt_int(arg(1), "maxsplit")?.and_then(|v| usize::try_from(v).ok()).map(|v| v + 1);
            let parts: Vec<String> = match (sep, max, m == Method::Split) {
                (None, None, _) => s.split_whitespace().map(str::to_owned).collect(),
                (None, Some(n), forward) => splitn_whitespace(s, n, forward),
                (Some(sep), None, true) => s.split(&*sep).map(str::to_owned).collect(),
                (Some(sep), Some(n), true) => s.splitn(n, &*sep).map(str::to_owned).collect(),
                (Some(sep), max, false) => {
                    let mut v: Vec<String> = match max {
                        None => s.rsplit(&*sep).map(str::to_owned).collect(),
                        Some(n) => s.rsplitn(n, &*sep).map(str::to_owned).collect(),
                    };
                    v.reverse();
                    v
                }
            };
            interp.alloc_items(parts.len())?;
            Value::list(parts.into_iter().map(Value::string).collect())
        }
        Method::Splitlines => {
            let keep = match arg(0) {
                None => false,
                Some(Value::Bool(b)) => b,
                Some(other) => return Err(EvalError::param_type("keepends", "bool", &other)),
            };
            let mut lines = Vec::new();
            let mut rest: &str = s;
            while let Some(y) = rest.find(['\n', '\r']) {
                let x = if rest.get(y..y + 2) == Some("\r\n") { y + 2 } else { y + 1 };
                lines.push(Value::str(rest.get(..if keep { x } else { y }).unwrap_or_default()));
                rest = rest.get(x..).unwrap_or_default();
            }
            if !rest.is_empty() {
                lines.push(Value::str(rest));
            }
            interp.alloc_items(lines.len())?;
            Value::list(lines)
        }
        Method::Partition | Method::Rpartition => {
            let sep = str_arg(0, "needle")?;
            if sep.is_empty() {
                return Err(EvalError::value("Empty separator cannot be used for partitioning"));
            }
            let found = if m == Method::Partition { s.find(&*sep) } else { s.rfind(&*sep) };
            let parts = match found {
                Some(i) => [s.get(..i).unwrap_or_default(), &sep, s.get(i + sep.len()..).unwrap_or_default()],
                None if m == Method::Partition => [&**s, "", ""],
                None => ["", "", &**s],
            };
            Value::tuple(parts.iter().map(|p| Value::str(p)).collect())
        }
        Method::Count | Method::Find | Method::Rfind | Method::Index | Method::Rindex => {
            let needle = str_arg(0, "needle")?;
            let start = opt_int(arg(1), "start")?.and_then(|v| i32::try_from(v).ok());
            let end = opt_int(arg(2), "end")?.and_then(|v| i32::try_from(v).ok());
            let found = fast_string::convert_str_indices(s, start, end);
            if m == Method::Count {
                count(found.map_or(0, |f| fast_string::count_matches(f.haystack, &needle)))
            } else {
                let hit = found.and_then(|f| {
                    let i = if matches!(m, Method::Find | Method::Index) {
                        f.haystack.find(&*needle)
                    } else {
                        f.haystack.rfind(&*needle)
                    }?;
                    Some(f.start.0 + fast_string::len(f.haystack.get(..i).unwrap_or_default()).0)
                });
                match hit {
                    Some(i) => count(i),
                    None if matches!(m, Method::Find | Method::Rfind) => Value::Int(-1),
                    None => return Err(EvalError::value(format!("Substring '{needle}' not found in '{s}'"))),
                }
            }
        }
        Method::Elems | Method::Codepoints => {
            return Err(EvalError::unsupported(&format!("`str.{}()`", m.name())));
        }
        _ => return Err(EvalError::value("internal error: string method")),
    };
    Ok(out)
}

/// starlark-rust's `splitn_whitespace` / `rsplitn_whitespace`: at most `max` parts.
fn splitn_whitespace(s: &str, max: usize, forward: bool) -> Vec<String> {
    let mut v = Vec::new();
    let mut cur = String::new();
    let (mut split, mut eat_ws) = (1, true);
    let chars: Box<dyn Iterator<Item = char>> = if forward { Box::new(s.chars()) } else { Box::new(s.chars().rev()) };
    let flush = |cur: &mut String, v: &mut Vec<String>| {
        let part = std::mem::take(cur);
        v.push(if forward { part } else { part.chars().rev().collect() });
    };
    for c in chars {
        if split >= max && !eat_ws {
            cur.push(c);
        } else if c.is_whitespace() {
            if !cur.is_empty() {
                flush(&mut cur, &mut v);
                split += 1;
                eat_ws = true;
            }
        } else {
            eat_ws = false;
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        flush(&mut cur, &mut v);
    }
    if !forward {
        v.reverse();
    }
    v
}

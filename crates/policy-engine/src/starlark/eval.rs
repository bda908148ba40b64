//! The tree-walking evaluator: statements, expressions, calls, with step, depth and size limits.
#![expect(clippy::similar_names, reason = "start/stop/step are Starlark's slice terms")]
#![expect(clippy::many_single_char_names, reason = "short names for AST parts (l, r, e, f, x) read best here")]
//!
//! INVARIANT: every loop that can run long calls [`Interp::tick`], and every recursive descent
//! goes through [`Interp::enter`], so hostile input ends in a limit error, never a hang or a
//! stack overflow.

use std::cell::RefCell;
use std::rc::Rc;

use starlark_syntax::lexer::TokenInt;
use starlark_syntax::syntax::ast::{
    ArgumentP, AssignOp, AssignTarget, AstAssignTarget, AstExpr, AstLiteral, AstParameter, AstStmt, BinOp, Clause,
    Expr, ForClause, Parameter, Stmt,
};

use super::builtins::{self, Args};
use super::error::{EvalError, Fallible};
use super::resolve::{Res, Resolution};
use super::rules::RulesBuilder;
use super::span;
use super::value::{Dict, Key, List, Range, Value};
use crate::diagnostic::Span;

/// Total evaluation steps for one load (all files).
pub(crate) const MAX_STEPS: u64 = 10_000_000;
/// Nested evaluation (expressions, statements and calls together) before we stop.
pub(crate) const MAX_DEPTH: u32 = 400;
/// starlark-rust's call stack size (`DEFAULT_STACK_SIZE`); the module counts as one frame.
pub(crate) const MAX_CALL_FRAMES: u32 = 50;
/// Elements in one list, tuple or dict.
pub(crate) const MAX_ITEMS: usize = 1_000_000;
/// Bytes in one string.
pub(crate) const MAX_STRING: usize = 4 << 20;

/// Local variables of one function call (or of the module body), shared with closures.
pub(crate) struct Frame<'a> {
    pub slots: RefCell<Vec<Option<Value<'a>>>>,
    pub parent: Option<Rc<Frame<'a>>>,
}

impl<'a> Frame<'a> {
    pub fn new(size: u32, parent: Option<Rc<Frame<'a>>>) -> Rc<Self> {
        Rc::new(Self { slots: RefCell::new(vec![None; size as usize]), parent })
    }
}

/// What a `def` or `lambda` evaluates to.
pub(crate) struct Closure<'a> {
    pub name: Rc<str>,
    /// Regular parameters (not `*args`/`**kwargs`) in order, with their frame slot.
    pub params: Vec<(String, u32)>,
    /// Default value per regular parameter (`None`: required).
    pub defaults: Vec<Option<Value<'a>>>,
    /// How many regular parameters can be filled positionally (those before `*`).
    pub positional: usize,
    pub args_slot: Option<u32>,
    pub kwargs_slot: Option<u32>,
    pub body: Body<'a>,
    pub frame_size: u32,
    pub parent: Rc<Frame<'a>>,
}

#[derive(Clone, Copy)]
pub(crate) enum Body<'a> {
    Stmt(&'a AstStmt),
    Expr(&'a AstExpr),
}

/// How a statement finished.
pub(crate) enum Flow<'a> {
    Normal,
    Break,
    Continue,
    Return(Value<'a>),
}

/// Evaluation state for one file.
pub(crate) struct Interp<'a, 'b> {
    pub res: &'b Resolution,
    pub module: Vec<Option<Value<'a>>>,
    pub steps: &'b mut u64,
    pub depth: u32,
    pub calls: u32,
    pub rules: &'b mut RulesBuilder,
}

/// An iteration in progress. Holds the container's iteration lock until dropped, so mutating a
/// list or dict inside its own `for` loop fails as in Starlark.
pub(crate) enum Iter<'a> {
    List(Rc<List<'a>>, usize),
    Tuple(Rc<super::value::Tuple<'a>>, usize),
    Dict(Rc<Dict<'a>>, usize),
    Range(Range, i64),
}

impl<'a> Iter<'a> {
    pub fn new(v: &Value<'a>) -> Fallible<Self> {
        Ok(match v {
            Value::List(l) => {
                l.iterating.set(l.iterating.get().saturating_add(1));
                Iter::List(Rc::clone(l), 0)
            }
            Value::Dict(d) => {
                d.iterating.set(d.iterating.get().saturating_add(1));
                Iter::Dict(Rc::clone(d), 0)
            }
            Value::Tuple(t) => Iter::Tuple(Rc::clone(t), 0),
            Value::Range(r) => Iter::Range(**r, 0),
            other => return Err(EvalError::unary_unsupported("(iter)", other)),
        })
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = Value<'a>;

    fn next(&mut self) -> Option<Value<'a>> {
        match self {
            Iter::List(l, i) => {
                let v = l.items.borrow().get(*i).cloned();
                *i += 1;
                v
            }
            Iter::Tuple(t, i) => {
                let v = t.get(*i).cloned();
                *i += 1;
                v
            }
            Iter::Dict(d, i) => {
                let v = d.map.borrow().entries.get(*i).map(|(k, _)| k.clone());
                *i += 1;
                v
            }
            Iter::Range(r, i) => {
                if *i >= r.len() {
                    return None;
                }
                let v = r.get(*i);
                *i += 1;
                Some(Value::Int(v))
            }
        }
    }
}

impl Drop for Iter<'_> {
    fn drop(&mut self) {
        match self {
            Iter::List(l, _) => l.iterating.set(l.iterating.get().saturating_sub(1)),
            Iter::Dict(d, _) => d.iterating.set(d.iterating.get().saturating_sub(1)),
            Iter::Tuple(..) | Iter::Range(..) => {}
        }
    }
}

/// Evaluated call arguments before binding.
fn op_name(op: BinOp) -> &'static str {
    match op {
        BinOp::Or => "or",
        BinOp::And => "and",
        BinOp::Equal => "==",
        BinOp::NotEqual => "!=",
        BinOp::Less => "<",
        BinOp::Greater => ">",
        BinOp::LessOrEqual => "<=",
        BinOp::GreaterOrEqual => ">=",
        BinOp::In => "in",
        BinOp::NotIn => "not in",
        BinOp::Subtract => "-",
        BinOp::Add => "+",
        BinOp::Multiply => "*",
        BinOp::Percent => "%",
        BinOp::Divide => "/",
        BinOp::FloorDivide => "//",
        BinOp::BitAnd => "&",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::LeftShift => "<<",
        BinOp::RightShift => ">>",
    }
}

fn assign_op(op: AssignOp) -> BinOp {
    match op {
        AssignOp::Add => BinOp::Add,
        AssignOp::Subtract => BinOp::Subtract,
        AssignOp::Multiply => BinOp::Multiply,
        AssignOp::Divide => BinOp::Divide,
        AssignOp::FloorDivide => BinOp::FloorDivide,
        AssignOp::Percent => BinOp::Percent,
        AssignOp::BitAnd => BinOp::BitAnd,
        AssignOp::BitOr => BinOp::BitOr,
        AssignOp::BitXor => BinOp::BitXor,
        AssignOp::LeftShift => BinOp::LeftShift,
        AssignOp::RightShift => BinOp::RightShift,
    }
}

impl<'a> Interp<'a, '_> {
    /// Charges `n` steps.
    pub fn tick(&mut self, n: u64) -> Fallible<()> {
        if *self.steps < n {
            *self.steps = 0;
            return Err(EvalError::limit(format!(
                "evaluation limit exceeded: more than {MAX_STEPS} steps (an endless or very large loop?)"
            )));
        }
        *self.steps -= n;
        Ok(())
    }

    fn enter(&mut self) -> Fallible<()> {
        if self.depth >= MAX_DEPTH {
            return Err(EvalError::limit(format!(
                "evaluation limit exceeded: expressions, blocks and calls nested more than {MAX_DEPTH} levels deep"
            )));
        }
        self.depth += 1;
        Ok(())
    }

    /// Checks a new collection's size and charges for building it.
    pub fn alloc_items(&mut self, n: usize) -> Fallible<()> {
        if n > MAX_ITEMS {
            return Err(EvalError::limit(format!("input too large: a collection of more than {MAX_ITEMS} items")));
        }
        self.tick(n as u64 / 4)
    }

    /// Checks a new string's size and charges for building it.
    pub fn alloc_string(&mut self, n: usize) -> Fallible<()> {
        if n > MAX_STRING {
            return Err(EvalError::limit(format!("input too large: a string of more than {MAX_STRING} bytes")));
        }
        self.tick(n as u64 / 64)
    }

    pub fn exec(&mut self, stmt: &'a AstStmt, frame: &Rc<Frame<'a>>) -> Fallible<Flow<'a>> {
        self.enter()?;
        let r = self.exec_inner(stmt, frame);
        self.depth -= 1;
        r
    }

    fn exec_inner(&mut self, stmt: &'a AstStmt, frame: &Rc<Frame<'a>>) -> Fallible<Flow<'a>> {
        self.tick(1)?;
        match &stmt.node {
            Stmt::Statements(v) => {
                for s in v {
                    match self.exec(s, frame)? {
                        Flow::Normal => {}
                        other => return Ok(other),
                    }
                }
                Ok(Flow::Normal)
            }
            Stmt::Expression(e) => self.eval(e, frame).map(|_| Flow::Normal),
            Stmt::Return(Some(e)) => self.eval(e, frame).map(Flow::Return),
            Stmt::If(c, then) => {
                if self.eval(c, frame)?.truthy() {
                    self.exec(then, frame)
                } else {
                    Ok(Flow::Normal)
                }
            }
            Stmt::IfElse(c, both) => {
                let branch = if self.eval(c, frame)?.truthy() { &both.0 } else { &both.1 };
                self.exec(branch, frame)
            }
            _ => self.exec_other(stmt, frame),
        }
    }

    #[inline(never)]
    fn exec_other(&mut self, stmt: &'a AstStmt, frame: &Rc<Frame<'a>>) -> Fallible<Flow<'a>> {
        match &stmt.node {
            Stmt::Statements(v) => {
                for s in v {
                    match self.exec(s, frame)? {
                        Flow::Normal => {}
                        other => return Ok(other),
                    }
                }
            }
            Stmt::Expression(e) => {
                self.eval(e, frame)?;
            }
            Stmt::Pass => {}
            Stmt::Break => return Ok(Flow::Break),
            Stmt::Continue => return Ok(Flow::Continue),
            Stmt::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(e, frame)?,
                    None => Value::None,
                };
                return Ok(Flow::Return(v));
            }
            Stmt::Assign(a) => {
                if let Some(ty) = &a.ty {
                    return Err(EvalError::unsupported("a type annotation").at(span(ty.span)));
                }
                let v = self.eval(&a.rhs, frame)?;
                self.assign(&a.lhs, v, frame)?;
            }
            Stmt::AssignModify(lhs, op, rhs) => self.assign_modify(span(stmt.span), lhs, *op, rhs, frame)?,
            Stmt::If(c, then) => {
                if self.eval(c, frame)?.truthy() {
                    return self.exec(then, frame);
                }
            }
            Stmt::IfElse(c, both) => {
                let branch = if self.eval(c, frame)?.truthy() { &both.0 } else { &both.1 };
                return self.exec(branch, frame);
            }
            Stmt::For(f) => {
                let over = self.eval(&f.over, frame)?;
                let iter = Iter::new(&over).map_err(|e| e.at(span(stmt.span)))?;
                for item in iter {
                    self.tick(1)?;
                    self.assign(&f.var, item, frame)?;
                    match self.exec(&f.body, frame)? {
                        Flow::Normal | Flow::Continue => {}
                        Flow::Break => break,
                        ret @ Flow::Return(_) => return Ok(ret),
                    }
                }
            }
            Stmt::Def(d) => {
                if let Some(ret) = &d.return_type {
                    return Err(EvalError::unsupported("a type annotation").at(span(ret.span)));
                }
                let closure = self.make_closure(
                    &d.name.node.ident,
                    stmt.span.begin().get(),
                    &d.params,
                    Body::Stmt(&d.body),
                    frame,
                )?;
                self.store_ident(d.name.span.begin().get(), &d.name.node.ident, closure, frame)?;
            }
            Stmt::Load(l) => {
                return Err(EvalError::value(format!(
                    "No imports are available, you tried `{}` (no call to `Evaluator.set_loader`)",
                    l.module.node
                ))
                .at(span(stmt.span)));
            }
        }
        Ok(Flow::Normal)
    }

    fn make_closure(
        &mut self,
        name: &str,
        offset: u32,
        params: &'a [AstParameter],
        body: Body<'a>,
        frame: &Rc<Frame<'a>>,
    ) -> Fallible<Value<'a>> {
        let layout =
            self.res.function(offset).ok_or_else(|| EvalError::value("internal error: unresolved function"))?;
        // starlark-rust names functions after their module: `rules.star.f`, `rules.star.lambda`.
        let mut c = Closure {
            name: Rc::from(format!("{}.{name}", self.rules.source)),
            params: Vec::new(),
            defaults: Vec::new(),
            positional: 0,
            args_slot: None,
            kwargs_slot: None,
            body,
            frame_size: layout.frame_size,
            parent: Rc::clone(frame),
        };
        let mut named_only = false;
        for (slot, p) in (0u32..).zip(params) {
            match &p.node {
                Parameter::Normal(id, ty, default) => {
                    if let Some(ty) = ty {
                        return Err(EvalError::unsupported("a type annotation").at(span(ty.span)));
                    }
                    let d = match default {
                        Some(d) => Some(self.eval(d, frame)?),
                        None => None,
                    };
                    c.params.push((id.node.ident.clone(), slot));
                    c.defaults.push(d);
                    if !named_only {
                        c.positional += 1;
                    }
                }
                Parameter::Args(_, ty) | Parameter::KwArgs(_, ty) if ty.is_some() => {
                    let ty = ty.as_deref().map_or(p.span, |t| t.span);
                    return Err(EvalError::unsupported("a type annotation").at(span(ty)));
                }
                Parameter::Args(..) => {
                    c.args_slot = Some(slot);
                    named_only = true;
                }
                Parameter::KwArgs(..) => c.kwargs_slot = Some(slot),
                Parameter::NoArgs => named_only = true,
                Parameter::Slash => {
                    return Err(EvalError::unsupported("a positional-only parameter marker").at(span(p.span)));
                }
            }
        }
        Ok(Value::Function(Rc::new(c)))
    }

    /// Reads an identifier.
    fn read_ident(&self, offset: u32, name: &str, frame: &Rc<Frame<'a>>) -> Fallible<Value<'a>> {
        let unset = || EvalError::value(format!("Local variable `{name}` referenced before assignment"));
        match self.res.ident(offset) {
            Some(Res::Local(slot)) => frame.slots.borrow().get(slot as usize).cloned().flatten().ok_or_else(unset),
            Some(Res::Captured(up, slot)) => {
                let mut f = Rc::clone(frame);
                for _ in 0..up {
                    let parent = f.parent.clone().ok_or_else(unset)?;
                    f = parent;
                }
                f.slots.borrow().get(slot as usize).cloned().flatten().ok_or_else(unset)
            }
            Some(Res::Module(slot)) => self.module.get(slot as usize).cloned().flatten().ok_or_else(unset),
            Some(Res::Const(0)) => Ok(Value::None),
            Some(Res::Const(1)) => Ok(Value::Bool(true)),
            Some(Res::Const(_)) => Ok(Value::Bool(false)),
            Some(Res::Builtin(b)) => Ok(Value::Builtin(b)),
            None => Err(EvalError::value(format!("Variable `{name}` not found"))),
        }
    }

    fn store_ident(&mut self, offset: u32, name: &str, v: Value<'a>, frame: &Rc<Frame<'a>>) -> Fallible<()> {
        match self.res.ident(offset) {
            Some(Res::Local(slot)) => {
                if let Some(s) = frame.slots.borrow_mut().get_mut(slot as usize) {
                    *s = Some(v);
                }
            }
            Some(Res::Module(slot)) => {
                if let Some(s) = self.module.get_mut(slot as usize) {
                    *s = Some(v);
                }
            }
            _ => return Err(EvalError::value(format!("internal error: cannot assign `{name}`"))),
        }
        Ok(())
    }

    fn assign(&mut self, target: &'a AstAssignTarget, v: Value<'a>, frame: &Rc<Frame<'a>>) -> Fallible<()> {
        match &target.node {
            AssignTarget::Identifier(id) => self.store_ident(id.span.begin().get(), &id.node.ident, v, frame),
            AssignTarget::Tuple(targets) => {
                // starlark-rust checks the length first, then iterates.
                let len = builtins::length(&v).map_err(|e| e.at(span(target.span)))?;
                if usize::try_from(len).ok() != Some(targets.len()) {
                    return Err(EvalError::value(format!("Unpacked {len} values but expected {}", targets.len()))
                        .at(span(target.span)));
                }
                let items: Vec<Value<'a>> = Iter::new(&v).map_err(|e| e.at(span(target.span)))?.collect();
                for (t, item) in targets.iter().zip(items) {
                    self.assign(t, item, frame)?;
                }
                Ok(())
            }
            AssignTarget::Index(b) => {
                let obj = self.eval(&b.0, frame)?;
                let idx = self.eval(&b.1, frame)?;
                builtins::set_index(self, &obj, &idx, v).map_err(|e| e.at(span(target.span)))
            }
            AssignTarget::Dot(obj, name) => {
                let obj = self.eval(obj, frame)?;
                Err(EvalError::unary_unsupported(&format!(".{}=", name.node), &obj).at(span(target.span)))
            }
        }
    }

    /// `x op= y`; starlark-rust reports its errors at the whole statement.
    fn assign_modify(
        &mut self,
        stmt_span: Span,
        lhs: &'a AstAssignTarget,
        op: AssignOp,
        rhs: &'a AstExpr,
        frame: &Rc<Frame<'a>>,
    ) -> Fallible<()> {
        let op = assign_op(op);
        match &lhs.node {
            AssignTarget::Identifier(id) => {
                let offset = id.span.begin().get();
                let old = self.read_ident(offset, &id.node.ident, frame).map_err(|e| e.at(stmt_span))?;
                let r = self.eval(rhs, frame)?;
                let new = self.binary_in_place(op, old, &r).map_err(|e| e.at(stmt_span))?;
                self.store_ident(offset, &id.node.ident, new, frame)
            }
            AssignTarget::Index(b) => {
                let obj = self.eval(&b.0, frame)?;
                let idx = self.eval(&b.1, frame)?;
                let old = builtins::index(self, &obj, &idx).map_err(|e| e.at(stmt_span))?;
                let r = self.eval(rhs, frame)?;
                let new = self.binary_in_place(op, old, &r).map_err(|e| e.at(stmt_span))?;
                builtins::set_index(self, &obj, &idx, new).map_err(|e| e.at(stmt_span))
            }
            AssignTarget::Dot(..) | AssignTarget::Tuple(_) => {
                Err(EvalError::unsupported("this augmented assignment").at(span(lhs.span)))
            }
        }
    }

    /// `x op= y`: `list += iterable` extends in place, everything else rebinds.
    fn binary_in_place(&mut self, op: BinOp, left: Value<'a>, right: &Value<'a>) -> Fallible<Value<'a>> {
        if let (BinOp::Add, Value::List(l)) = (op, &left) {
            let extra: Vec<Value<'a>> = Iter::new(right)?.collect();
            builtins::check_mutable_list(l)?;
            self.alloc_items(l.items.borrow().len() + extra.len())?;
            l.items.borrow_mut().extend(extra);
            return Ok(left);
        }
        self.binary(op, &left, right)
    }

    pub fn eval(&mut self, e: &'a AstExpr, frame: &Rc<Frame<'a>>) -> Fallible<Value<'a>> {
        self.enter()?;
        let r = self.eval_inner(e, frame);
        self.depth -= 1;
        r
    }

    /// A small dispatcher: every arm with sizeable locals lives in its own non-inlined function,
    /// so each level of expression nesting costs little stack.
    fn eval_inner(&mut self, e: &'a AstExpr, frame: &Rc<Frame<'a>>) -> Fallible<Value<'a>> {
        self.tick(1)?;
        match &e.node {
            Expr::Identifier(id) => {
                self.read_ident(e.span.begin().get(), &id.node.ident, frame).map_err(|err| err.at(span(e.span)))
            }
            Expr::Tuple(items) => Ok(Value::tuple(self.eval_all(items, frame)?)),
            Expr::List(items) => Ok(Value::list(self.eval_all(items, frame)?)),
            Expr::Call(f, args) => self.eval_call(e, f, &args.args, frame),
            Expr::Not(x) => Ok(Value::Bool(!self.eval(x, frame)?.truthy())),
            Expr::Op(l, op, r) => self.eval_op(e, l, *op, r, frame),
            Expr::If(b) => {
                let branch = if self.eval(&b.0, frame)?.truthy() { &b.1 } else { &b.2 };
                self.eval(branch, frame)
            }
            Expr::Lambda(l) => self.make_closure("lambda", e.span.begin().get(), &l.params, Body::Expr(&l.body), frame),
            _ => self.eval_other(e, frame),
        }
    }

    #[inline(never)]
    fn eval_other(&mut self, e: &'a AstExpr, frame: &Rc<Frame<'a>>) -> Fallible<Value<'a>> {
        let here = span(e.span);
        Ok(match &e.node {
            Expr::Literal(lit) => match lit {
                AstLiteral::Int(i) => match &i.node {
                    TokenInt::I32(i) => Value::Int(i64::from(*i)),
                    TokenInt::BigInt(b) => Value::Int(
                        b.to_string()
                            .parse::<i64>()
                            .map_err(|_| EvalError::unsupported("an integer beyond 64 bits").at(here))?,
                    ),
                },
                AstLiteral::String(s) => Value::str(&s.node),
                AstLiteral::Float(_) => return Err(EvalError::unsupported("a float").at(here)),
                AstLiteral::Ellipsis => return Err(EvalError::unsupported("`...`").at(here)),
            },
            Expr::Dict(pairs) => {
                let dict = Dict::default();
                for (k, v) in pairs {
                    let key = self.eval(k, frame)?;
                    let value = self.eval(v, frame)?;
                    let hashed = key.key().map_err(|err| err.at(span(k.span)))?;
                    let mut map = dict.map.borrow_mut();
                    if map.get(&hashed).is_some() {
                        return Err(
                            EvalError::value(format!("Dictionary key repeated for `{}`", key.repr())).at(span(k.span))
                        );
                    }
                    map.insert(hashed, key, value);
                }
                self.alloc_items(pairs.len())?;
                Value::Dict(Rc::new(dict))
            }
            Expr::Dot(obj, name) => {
                let v = self.eval(obj, frame)?;
                builtins::get_attr(&v, &name.node).map_err(|err| err.at(here))?
            }
            Expr::Index(b) => {
                let obj = self.eval(&b.0, frame)?;
                let idx = self.eval(&b.1, frame)?;
                builtins::index(self, &obj, &idx).map_err(|err| err.at(here))?
            }
            Expr::Index2(b) => {
                let obj = self.eval(&b.0, frame)?;
                self.eval(&b.1, frame)?;
                self.eval(&b.2, frame)?;
                return Err(match obj {
                    Value::Builtin(_) => EvalError::unsupported("a type expression like `dict[str, int]`"),
                    other => EvalError::unary_unsupported("[,]", &other),
                }
                .at(here));
            }
            Expr::Slice(obj, start, stop, step) => {
                let obj = self.eval(obj, frame)?;
                let mut parts = [None, None, None];
                for (part, x) in parts.iter_mut().zip([start, stop, step]) {
                    if let Some(x) = x {
                        *part = Some(self.eval(x, frame)?);
                    }
                }
                let [start, stop, step] = parts;
                builtins::slice(self, &obj, start, stop, step).map_err(|err| err.at(here))?
            }
            Expr::Minus(x) => match self.eval(x, frame)? {
                Value::Int(i) => Value::Int(
                    i.checked_neg().ok_or_else(|| EvalError::unsupported("an integer beyond 64 bits").at(here))?,
                ),
                other => return Err(EvalError::unary_unsupported("-", &other).at(here)),
            },
            Expr::Plus(x) => match self.eval(x, frame)? {
                v @ Value::Int(_) => v,
                other => return Err(EvalError::unary_unsupported("+", &other).at(here)),
            },
            Expr::BitNot(x) => match self.eval(x, frame)? {
                Value::Int(i) => Value::Int(!i),
                other => return Err(EvalError::unary_unsupported("~", &other).at(here)),
            },
            Expr::ListComprehension(item, first, clauses) => {
                let mut out = Vec::new();
                self.compr(first, clauses, frame, &mut |me, frame| {
                    let v = me.eval(item, frame)?;
                    me.alloc_items(out.len() + 1)?;
                    out.push(v);
                    Ok(())
                })?;
                Value::list(out)
            }
            Expr::DictComprehension(kv, first, clauses) => {
                let dict = Dict::default();
                self.compr(first, clauses, frame, &mut |me, frame| {
                    let k = me.eval(&kv.0, frame)?;
                    let v = me.eval(&kv.1, frame)?;
                    let hashed = k.key().map_err(|err| err.at(span(kv.0.span)))?;
                    let mut map = dict.map.borrow_mut();
                    me.alloc_items(map.len() + 1)?;
                    map.insert(hashed, k, v);
                    Ok(())
                })?;
                Value::Dict(Rc::new(dict))
            }
            Expr::FString(f) => {
                let mut args = Vec::with_capacity(f.node.expressions.len());
                for x in &f.node.expressions {
                    args.push(self.eval(x, frame)?);
                }
                builtins::format(self, &f.node.format.node, &args, &[]).map_err(|err| err.at(here))?
            }
            Expr::Identifier(_)
            | Expr::Tuple(_)
            | Expr::List(_)
            | Expr::Call(..)
            | Expr::Not(_)
            | Expr::Op(..)
            | Expr::If(_)
            | Expr::Lambda(_) => return Err(EvalError::value("internal error: expression dispatch")),
        })
    }

    #[inline(never)]
    fn eval_op(
        &mut self,
        e: &'a AstExpr,
        l: &'a AstExpr,
        op: BinOp,
        r: &'a AstExpr,
        frame: &Rc<Frame<'a>>,
    ) -> Fallible<Value<'a>> {
        let lv = self.eval(l, frame)?;
        match op {
            BinOp::And if !lv.truthy() => Ok(lv),
            BinOp::Or if lv.truthy() => Ok(lv),
            BinOp::And | BinOp::Or => self.eval(r, frame),
            _ => {
                let rv = self.eval(r, frame)?;
                self.binary(op, &lv, &rv).map_err(|err| err.at(span(e.span)))
            }
        }
    }

    #[inline(never)]
    fn eval_call(
        &mut self,
        e: &'a AstExpr,
        f: &'a AstExpr,
        args: &'a [starlark_syntax::syntax::ast::AstArgument],
        frame: &Rc<Frame<'a>>,
    ) -> Fallible<Value<'a>> {
        let here = span(e.span);
        // starlark-rust compiles `len(x)` and `type(x)` inline: no call frame, so errors carry no
        // traceback and do not count towards the call stack.
        if let (Expr::Identifier(_), [arg]) = (&f.node, args)
            && let ArgumentP::Positional(x) = &arg.node
            && let Some(Res::Builtin(b @ (builtins::Builtin::Len | builtins::Builtin::Type))) =
                self.res.ident(f.span.begin().get())
        {
            let v = self.eval(x, frame)?;
            return Ok(if b == builtins::Builtin::Len {
                Value::Int(builtins::length(&v).map_err(|err| err.at(here))?)
            } else {
                Value::str(v.type_name())
            });
        }
        // A method call evaluates its object, then the arguments, and only then looks the
        // method up (starlark-rust's `CallMethod`), so argument errors come first.
        let (callee, method) = match &f.node {
            Expr::Dot(obj, name) => (self.eval(obj, frame)?, Some(name)),
            _ => (self.eval(f, frame)?, None),
        };
        let mut a = Args::default();
        for arg in args {
            let sp = span(arg.span);
            match &arg.node {
                ArgumentP::Positional(x) => {
                    let v = self.eval(x, frame)?;
                    a.pos.push((v, sp));
                }
                ArgumentP::Named(name, x) => {
                    let v = self.eval(x, frame)?;
                    a.named.push((name.node.as_str(), v, sp));
                }
                ArgumentP::Args(x) => a.star = Some((self.eval(x, frame)?, sp)),
                ArgumentP::KwArgs(x) => a.star_star = Some((self.eval(x, frame)?, sp)),
            }
        }
        let callee = match method {
            Some(name) => builtins::get_attr(&callee, &name.node).map_err(|err| err.at(span(f.span)))?,
            None => callee,
        };
        self.call(&callee, a, here)
    }

    fn eval_all(&mut self, items: &'a [AstExpr], frame: &Rc<Frame<'a>>) -> Fallible<Vec<Value<'a>>> {
        self.alloc_items(items.len())?;
        let mut out = Vec::with_capacity(items.len());
        for x in items {
            out.push(self.eval(x, frame)?);
        }
        Ok(out)
    }

    /// Runs the clauses of a comprehension, calling `each` for every surviving binding.
    fn compr(
        &mut self,
        first: &'a ForClause,
        clauses: &'a [Clause],
        frame: &Rc<Frame<'a>>,
        each: &mut dyn FnMut(&mut Self, &Rc<Frame<'a>>) -> Fallible<()>,
    ) -> Fallible<()> {
        let over = self.eval(&first.over, frame)?;
        let iter = Iter::new(&over).map_err(|e| e.at(span(first.over.span)))?;
        for item in iter {
            self.tick(1)?;
            self.assign(&first.var, item, frame)?;
            self.clauses(clauses, frame, each)?;
        }
        Ok(())
    }

    fn clauses(
        &mut self,
        clauses: &'a [Clause],
        frame: &Rc<Frame<'a>>,
        each: &mut dyn FnMut(&mut Self, &Rc<Frame<'a>>) -> Fallible<()>,
    ) -> Fallible<()> {
        let Some((clause, rest)) = clauses.split_first() else {
            return each(self, frame);
        };
        self.enter()?;
        let r = match clause {
            Clause::If(cond) => {
                if self.eval(cond, frame)?.truthy() {
                    self.clauses(rest, frame, each)
                } else {
                    Ok(())
                }
            }
            Clause::For(f) => {
                let over = self.eval(&f.over, frame)?;
                let iter = Iter::new(&over).map_err(|e| e.at(span(f.over.span)))?;
                let mut r = Ok(());
                for item in iter {
                    r = self.tick(1).and_then(|()| self.assign(&f.var, item, frame));
                    r = r.and_then(|()| self.clauses(rest, frame, each));
                    if r.is_err() {
                        break;
                    }
                }
                r
            }
        };
        self.depth -= 1;
        r
    }

    /// Binary operators other than `and`/`or`.
    pub fn binary(&mut self, op: BinOp, l: &Value<'a>, r: &Value<'a>) -> Fallible<Value<'a>> {
        let name = op_name(op);
        let overflow = || EvalError::unsupported("an integer beyond 64 bits");
        Ok(match op {
            BinOp::Equal => Value::Bool(l.equals(r)?),
            BinOp::NotEqual => Value::Bool(!l.equals(r)?),
            BinOp::Less => Value::Bool(l.compare(r)?.is_lt()),
            BinOp::Greater => Value::Bool(l.compare(r)?.is_gt()),
            BinOp::LessOrEqual => Value::Bool(l.compare(r)?.is_le()),
            BinOp::GreaterOrEqual => Value::Bool(l.compare(r)?.is_ge()),
            BinOp::In => Value::Bool(builtins::contains(r, l)?),
            BinOp::NotIn => Value::Bool(!builtins::contains(r, l)?),
            BinOp::Add => match (l, r) {
                (Value::Int(a), Value::Int(b)) => Value::Int(a.checked_add(*b).ok_or_else(overflow)?),
                (Value::Str(a), Value::Str(b)) => {
                    self.alloc_string(a.len() + b.len())?;
                    let mut s = String::with_capacity(a.len() + b.len());
                    s.push_str(a);
                    s.push_str(b);
                    Value::string(s)
                }
                (Value::List(a), Value::List(b)) => {
                    let mut v = a.items.borrow().clone();
                    v.extend(b.items.borrow().iter().cloned());
                    self.alloc_items(v.len())?;
                    Value::list(v)
                }
                (Value::Tuple(a), Value::Tuple(b)) => {
                    self.alloc_items(a.len() + b.len())?;
                    Value::tuple(a.iter().chain(b.iter()).cloned().collect())
                }
                _ => return Err(EvalError::binary_unsupported(name, l, r)),
            },
            BinOp::Subtract => match (l, r) {
                (Value::Int(a), Value::Int(b)) => Value::Int(a.checked_sub(*b).ok_or_else(overflow)?),
                _ => return Err(EvalError::binary_unsupported(name, l, r)),
            },
            BinOp::Multiply => match (l, r) {
                (Value::Int(a), Value::Int(b)) => Value::Int(a.checked_mul(*b).ok_or_else(overflow)?),
                (Value::Str(s), Value::Int(n)) | (Value::Int(n), Value::Str(s)) => {
                    let n = usize::try_from(*n).unwrap_or(0);
                    self.alloc_string(s.len().saturating_mul(n))?;
                    Value::string(s.repeat(n))
                }
                (Value::List(x), Value::Int(n)) | (Value::Int(n), Value::List(x)) => {
                    let items = x.items.borrow();
                    let n = usize::try_from(*n).unwrap_or(0);
                    self.alloc_items(items.len().saturating_mul(n))?;
                    Value::list(items.iter().cloned().cycle().take(items.len() * n).collect())
                }
                (Value::Tuple(x), Value::Int(n)) | (Value::Int(n), Value::Tuple(x)) => {
                    let n = usize::try_from(*n).unwrap_or(0);
                    self.alloc_items(x.len().saturating_mul(n))?;
                    Value::tuple(x.iter().cloned().cycle().take(x.len() * n).collect())
                }
                _ => return Err(EvalError::binary_unsupported(name, l, r)),
            },
            BinOp::Percent => match (l, r) {
                (Value::Int(a), Value::Int(b)) => {
                    if *b == 0 {
                        return Err(EvalError::value(format!("Modulo by zero: {a} % {b}")));
                    }
                    Value::Int(
                        a.checked_rem_euclid(*b)
                            .map(|m| if *b < 0 && m != 0 { m + b } else { m })
                            .ok_or_else(overflow)?,
                    )
                }
                (Value::Str(fmt), _) => builtins::percent(self, fmt, r)?,
                _ => return Err(EvalError::binary_unsupported(name, l, r)),
            },
            BinOp::FloorDivide => match (l, r) {
                (Value::Int(a), Value::Int(b)) => {
                    if *b == 0 {
                        return Err(EvalError::value(format!("Floor division by zero: {a} // {b}")));
                    }
                    let q = a.checked_div(*b).ok_or_else(overflow)?;
                    Value::Int(if (a % b != 0) && ((*a < 0) != (*b < 0)) { q - 1 } else { q })
                }
                _ => return Err(EvalError::binary_unsupported(name, l, r)),
            },
            BinOp::Divide => match (l, r) {
                (Value::Int(_), Value::Int(_)) => return Err(EvalError::unsupported("`/` (float division)")),
                _ => return Err(EvalError::binary_unsupported(name, l, r)),
            },
            BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor => match (l, r) {
                (Value::Int(a), Value::Int(b)) => Value::Int(match op {
                    BinOp::BitAnd => a & b,
                    BinOp::BitOr => a | b,
                    _ => a ^ b,
                }),
                (Value::Dict(a), Value::Dict(b)) if op == BinOp::BitOr => {
                    let out = Dict::default();
                    {
                        let mut m = out.map.borrow_mut();
                        for (k, v) in a.map.borrow().entries.iter().chain(b.map.borrow().entries.iter()) {
                            m.insert(k.key()?, k.clone(), v.clone());
                        }
                        self.alloc_items(m.len())?;
                    }
                    Value::Dict(Rc::new(out))
                }
                _ => return Err(EvalError::binary_unsupported(name, l, r)),
            },
            BinOp::LeftShift | BinOp::RightShift => match (l, r) {
                (Value::Int(a), Value::Int(b)) => {
                    if *b < 0 {
                        let dir = if op == BinOp::LeftShift { "left" } else { "right" };
                        return Err(EvalError::value(format!("Negative {dir} shift")));
                    }
                    let b = u32::try_from(*b).unwrap_or(u32::MAX);
                    if op == BinOp::LeftShift {
                        let v = a.checked_shl(b).filter(|v| v >> b == *a).ok_or_else(overflow)?;
                        Value::Int(v)
                    } else {
                        Value::Int(a.checked_shr(b).unwrap_or(if *a < 0 { -1 } else { 0 }))
                    }
                }
                _ => return Err(EvalError::binary_unsupported(name, l, r)),
            },
            BinOp::And | BinOp::Or => return Err(EvalError::value("internal error: short-circuit operator")),
        })
    }

    /// Calls any callable value with evaluated arguments; `at` is the call expression.
    pub fn call(&mut self, callee: &Value<'a>, args: Args<'a>, at: Span) -> Fallible<Value<'a>> {
        self.tick(1)?;
        if self.calls + 1 >= MAX_CALL_FRAMES {
            return Err(EvalError::value("Starlark call stack overflow").at(at));
        }
        self.calls += 1;
        let r = match callee {
            Value::Function(c) => self.call_closure(c, args),
            Value::Builtin(b) => builtins::call_builtin(self, *b, args, at),
            Value::Method(m) => builtins::call_method(self, &m.0, m.1, args, at),
            other => Err(EvalError::unary_unsupported("call()", other)),
        };
        self.calls -= 1;
        r.map_err(|mut e| {
            e.traceback = true;
            e.at(at)
        })
    }

    fn call_closure(&mut self, c: &Rc<Closure<'a>>, args: Args<'a>) -> Fallible<Value<'a>> {
        let names: Vec<&str> = c.params.iter().map(|(n, _)| n.as_str()).collect();
        let required: Vec<bool> = c.defaults.iter().map(Option::is_none).collect();
        let spec = builtins::Spec {
            fname: &c.name,
            names: &names,
            required: &required,
            pos_only: 0,
            positional: c.positional,
            args: c.args_slot.is_some(),
            kwargs: c.kwargs_slot.is_some(),
            fast: false,
        };
        let bound = builtins::bind(self, &spec, args)?;
        let frame = Frame::new(c.frame_size, Some(Rc::clone(&c.parent)));
        {
            let mut slots = frame.slots.borrow_mut();
            for (((_, slot), v), d) in c.params.iter().zip(bound.slots).zip(&c.defaults) {
                if let Some(s) = slots.get_mut(*slot as usize) {
                    *s = v.map(|(v, _)| v).or_else(|| d.clone());
                }
            }
            if let (Some(slot), Some(s)) = (c.args_slot, bound.star)
                && let Some(x) = slots.get_mut(slot as usize)
            {
                *x = Some(Value::tuple(s));
            }
            if let (Some(slot), Some(kw)) = (c.kwargs_slot, bound.kwargs) {
                let dict = Dict::default();
                for (k, v) in kw {
                    dict.map.borrow_mut().insert(Key::Str(Rc::clone(&k)), Value::Str(k), v);
                }
                if let Some(x) = slots.get_mut(slot as usize) {
                    *x = Some(Value::Dict(Rc::new(dict)));
                }
            }
        }
        match c.body {
            Body::Expr(e) => self.eval(e, &frame),
            Body::Stmt(s) => match self.exec(s, &frame)? {
                Flow::Return(v) => Ok(v),
                _ => Ok(Value::None),
            },
        }
    }

    /// Calls `f(args...)` from inside a builtin (e.g. `sorted(key=...)`).
    pub fn call_positional(&mut self, f: &Value<'a>, args: Vec<Value<'a>>, at: Span) -> Fallible<Value<'a>> {
        let a = Args { pos: args.into_iter().map(|v| (v, at)).collect(), ..Args::default() };
        self.call(f, a, at)
    }
}

//! Name resolution before evaluation, as starlark-rust does it: every identifier in the module is
//! bound to a local slot, a variable of an enclosing function, a module variable or a global
//! before any statement runs, so an unknown name fails the whole file up front (even inside a
//! function that is never called) with ``Variable `x` not found``.

use std::collections::HashMap;

use starlark_syntax::syntax::ast::{
    AssignTarget, AstAssignIdent, AstAssignTarget, AstExpr, AstStmt, Clause, Expr, ForClause, Parameter, Stmt,
};

use super::builtins::Builtin;
use super::error::{EvalError, Fallible};
use super::span;

/// Where an identifier lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Res {
    /// A slot of the current frame.
    Local(u32),
    /// A slot of the frame `up` levels out (a closure's captured variable).
    Captured(u32, u32),
    /// A module variable.
    Module(u32),
    /// `None`, `True` or `False`.
    Const(u8),
    /// A global function.
    Builtin(Builtin),
}

/// Frame layout of one `def` or `lambda`: its slot count (parameters first).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FnLayout {
    pub frame_size: u32,
}

/// Everything the evaluator needs from resolution.
#[derive(Debug, Default)]
pub(crate) struct Resolution {
    /// Identifier (read or assigned) start offset → where it lives. Sorted by offset.
    idents: Vec<(u32, Res)>,
    /// `def`/`lambda` start offset → frame layout. Sorted by offset.
    functions: Vec<(u32, FnLayout)>,
    /// Module variable names by slot.
    pub module_names: Vec<String>,
    /// Slots of the module's own frame (module-level comprehension variables).
    pub module_frame_size: u32,
}

impl Resolution {
    pub fn ident(&self, offset: u32) -> Option<Res> {
        let i = self.idents.binary_search_by_key(&offset, |(o, _)| *o).ok()?;
        self.idents.get(i).map(|(_, r)| *r)
    }

    pub fn function(&self, offset: u32) -> Option<FnLayout> {
        let i = self.functions.binary_search_by_key(&offset, |(o, _)| *o).ok()?;
        self.functions.get(i).map(|(_, f)| *f)
    }
}

#[derive(Default)]
struct Scope {
    locals: HashMap<String, u32>,
    /// Comprehension scopes, innermost last.
    compr: Vec<Vec<(String, u32)>>,
    next_slot: u32,
}

struct Resolver<'t> {
    text: &'t str,
    /// The first f-string capture that is not a plain identifier: a parse error in Codex's
    /// starlark 0.13 parser, which wins over every name error.
    syntax_error: Option<Box<EvalError>>,
    scopes: Vec<Scope>,
    module: HashMap<String, u32>,
    out: Resolution,
    first_error: Option<Box<EvalError>>,
}

/// Resolves a whole module; the error is the first unresolved name in starlark-rust's order.
pub(crate) fn resolve_module(top: &AstStmt, text: &str) -> Fallible<Resolution> {
    let mut r = Resolver {
        text,
        syntax_error: None,
        scopes: vec![Scope::default()],
        module: HashMap::new(),
        out: Resolution::default(),
        first_error: None,
    };
    let mut names = Vec::new();
    collect_defines(top, &mut names);
    for name in names {
        let next = u32::try_from(r.module.len()).unwrap_or(u32::MAX);
        if !r.module.contains_key(name) {
            r.module.insert(name.to_owned(), next);
            r.out.module_names.push(name.to_owned());
        }
    }
    r.stmt(top);
    if let Some(e) = r.syntax_error.or(r.first_error) {
        return Err(e);
    }
    r.out.module_frame_size = r.scopes.first().map_or(0, |s| s.next_slot);
    r.out.idents.sort_by_key(|(o, _)| *o);
    r.out.functions.sort_by_key(|(o, _)| *o);
    Ok(r.out)
}

/// Names a statement binds in its scope (not inside nested `def`s or comprehensions), in order.
fn collect_defines<'s>(stmt: &'s AstStmt, out: &mut Vec<&'s str>) {
    match &stmt.node {
        Stmt::Statements(v) => v.iter().for_each(|s| collect_defines(s, out)),
        Stmt::Assign(a) => collect_target(&a.lhs, out),
        Stmt::AssignModify(lhs, _, _) => collect_target(lhs, out),
        Stmt::For(f) => {
            collect_target(&f.var, out);
            collect_defines(&f.body, out);
        }
        Stmt::If(_, then) => collect_defines(then, out),
        Stmt::IfElse(_, both) => {
            collect_defines(&both.0, out);
            collect_defines(&both.1, out);
        }
        Stmt::Def(d) => out.push(&d.name.node.ident),
        Stmt::Load(l) => l.args.iter().for_each(|a| out.push(&a.local.node.ident)),
        Stmt::Break | Stmt::Continue | Stmt::Pass | Stmt::Return(_) | Stmt::Expression(_) => {}
    }
}

fn collect_target<'s>(t: &'s AstAssignTarget, out: &mut Vec<&'s str>) {
    match &t.node {
        AssignTarget::Identifier(id) => out.push(&id.node.ident),
        AssignTarget::Tuple(v) => v.iter().for_each(|t| collect_target(t, out)),
        AssignTarget::Index(_) | AssignTarget::Dot(..) => {}
    }
}

impl Resolver<'_> {
    fn error(&mut self, e: Box<EvalError>) {
        if self.first_error.is_none() {
            self.first_error = Some(e);
        }
    }

    fn stmt(&mut self, stmt: &AstStmt) {
        match &stmt.node {
            Stmt::Statements(v) => v.iter().for_each(|s| self.stmt(s)),
            Stmt::Expression(e) => self.expr(e),
            Stmt::Return(e) => {
                if let Some(e) = e {
                    self.expr(e);
                }
            }
            Stmt::Assign(a) => {
                self.target(&a.lhs);
                if let Some(ty) = &a.ty {
                    self.expr(&ty.node.expr);
                }
                self.expr(&a.rhs);
            }
            Stmt::AssignModify(lhs, _, rhs) => {
                self.target(lhs);
                self.expr(rhs);
            }
            Stmt::If(c, then) => {
                self.expr(c);
                self.stmt(then);
            }
            Stmt::IfElse(c, both) => {
                self.expr(c);
                self.stmt(&both.0);
                self.stmt(&both.1);
            }
            Stmt::For(f) => {
                self.target(&f.var);
                self.expr(&f.over);
                self.stmt(&f.body);
            }
            Stmt::Def(d) => {
                self.assign_ident(&d.name);
                self.function(
                    stmt.span.begin().get(),
                    &d.params,
                    d.return_type.as_deref().map(|t| &t.node.expr),
                    |r| {
                        r.stmt(&d.body);
                    },
                    Some(&d.body),
                );
            }
            Stmt::Load(l) => l.args.iter().for_each(|a| self.assign_ident(&a.local)),
            Stmt::Break | Stmt::Continue | Stmt::Pass => {}
        }
    }

    /// A `def` or `lambda`: defaults and annotations resolve outside, the body in a new scope
    /// whose locals are the parameters (first slots) then every name the body binds.
    fn function(
        &mut self,
        offset: u32,
        params: &[starlark_syntax::syntax::ast::AstParameter],
        ret: Option<&AstExpr>,
        body: impl FnOnce(&mut Self),
        body_stmt: Option<&AstStmt>,
    ) {
        for p in params {
            match &p.node {
                Parameter::Normal(_, ty, default) => {
                    if let Some(ty) = ty {
                        self.expr(&ty.node.expr);
                    }
                    if let Some(d) = default {
                        self.expr(d);
                    }
                }
                Parameter::Args(_, ty) | Parameter::KwArgs(_, ty) => {
                    if let Some(ty) = ty {
                        self.expr(&ty.node.expr);
                    }
                }
                Parameter::NoArgs | Parameter::Slash => {}
            }
        }
        if let Some(ret) = ret {
            self.expr(ret);
        }
        let mut scope = Scope::default();
        let mut param_idents = Vec::new();
        for p in params {
            if let Some(id) = p.node.ident() {
                scope.locals.insert(id.node.ident.clone(), scope.next_slot);
                param_idents.push((id.span.begin().get(), scope.next_slot));
                scope.next_slot += 1;
            }
        }
        if let Some(b) = body_stmt {
            let mut names = Vec::new();
            collect_defines(b, &mut names);
            for n in names {
                if !scope.locals.contains_key(n) {
                    scope.locals.insert(n.to_owned(), scope.next_slot);
                    scope.next_slot += 1;
                }
            }
        }
        for (o, slot) in param_idents {
            self.out.idents.push((o, Res::Local(slot)));
        }
        self.scopes.push(scope);
        body(self);
        let size = self.scopes.pop().map_or(0, |s| s.next_slot);
        self.out.functions.push((offset, FnLayout { frame_size: size }));
    }

    fn target(&mut self, t: &AstAssignTarget) {
        match &t.node {
            AssignTarget::Identifier(id) => self.assign_ident(id),
            AssignTarget::Tuple(v) => v.iter().for_each(|t| self.target(t)),
            AssignTarget::Index(b) => {
                self.expr(&b.0);
                self.expr(&b.1);
            }
            AssignTarget::Dot(e, _) => self.expr(e),
        }
    }

    fn assign_ident(&mut self, id: &AstAssignIdent) {
        let res = self.lookup(&id.node.ident);
        if let Some(res) = res {
            self.out.idents.push((id.span.begin().get(), res));
        }
    }

    fn lookup(&self, name: &str) -> Option<Res> {
        let depth = self.scopes.len();
        for (i, scope) in self.scopes.iter().enumerate().rev() {
            let found = scope
                .compr
                .iter()
                .rev()
                .find_map(|c| c.iter().rev().find(|(n, _)| n == name).map(|(_, s)| *s))
                .or_else(|| scope.locals.get(name).copied());
            if let Some(slot) = found {
                let up = u32::try_from(depth - 1 - i).unwrap_or(u32::MAX);
                return Some(if up == 0 { Res::Local(slot) } else { Res::Captured(up, slot) });
            }
        }
        if let Some(&slot) = self.module.get(name) {
            return Some(Res::Module(slot));
        }
        match name {
            "None" => Some(Res::Const(0)),
            "True" => Some(Res::Const(1)),
            "False" => Some(Res::Const(2)),
            _ => Builtin::lookup(name).map(Res::Builtin),
        }
    }

    fn ident(&mut self, e: &AstExpr, name: &str) {
        if let Some(res) = self.lookup(name) {
            self.out.idents.push((e.span.begin().get(), res));
        } else {
            let message = match self.did_you_mean(name) {
                Some(better) => format!("Variable `{name}` not found, did you mean `{better}`?"),
                None => format!("Variable `{name}` not found"),
            };
            self.error(EvalError::value(message).at(span(e.span)));
        }
    }

    /// Codex's parser (starlark 0.13) accepts only `{identifier}` (optionally `!r`/`!s`) in
    /// f-strings; ours accepts any expression, so the difference is reported here, with the
    /// text between the braces as 0.13 quotes it.
    fn fstring_capture_error(&mut self, x: &AstExpr) {
        if self.syntax_error.is_some() {
            return;
        }
        let (start, end) = (x.span.begin().get() as usize, x.span.end().get() as usize);
        let open = self.text.get(..start).and_then(|t| t.rfind('{')).map_or(start, |i| i + 1);
        let close = self.text.get(end..).and_then(|t| t.find(['}', '!'])).map_or(end, |i| end + i);
        let capture = self.text.get(open..close).unwrap_or_default();
        let mut e = EvalError::new(super::error::ErrorKind::Syntax, format!("Not a valid identifier: `{capture}`"));
        e = e.at(crate::diagnostic::Span::new(open, close));
        self.syntax_error = Some(e);
    }

    /// starlark-rust's suggestion: the closest visible name within Levenshtein distance 2 (1 for
    /// names of up to 2 bytes), first one wins on ties, in scope order.
    fn did_you_mean(&self, name: &str) -> Option<String> {
        if name.is_empty() {
            return None;
        }
        let max = if name.len() <= 2 { 1 } else { 2 };
        let mut candidates: Vec<&str> = Vec::new();
        // Each scope lists its names in binding order: parameters, locals, then comprehension
        // variables (they get later slots), as starlark-rust's scope maps do.
        for scope in self.scopes.iter().rev() {
            let mut names: Vec<(u32, &str)> = scope.locals.iter().map(|(n, s)| (*s, n.as_str())).collect();
            names.extend(scope.compr.iter().flatten().map(|(n, s)| (*s, n.as_str())));
            names.sort_by_key(|(s, _)| *s);
            candidates.extend(names.into_iter().map(|(_, n)| n));
        }
        candidates.extend(self.out.module_names.iter().map(String::as_str));
        candidates.extend(Builtin::GLOBAL_NAMES.iter().copied());
        let mut best: Option<(&str, usize)> = None;
        for c in candidates {
            let d = levenshtein(name, c);
            if d <= max && best.is_none_or(|(_, bd)| d < bd) {
                best = Some((c, d));
            }
        }
        best.map(|(c, _)| c.to_owned())
    }

    fn expr(&mut self, e: &AstExpr) {
        match &e.node {
            Expr::Identifier(id) => self.ident(e, &id.node.ident),
            Expr::Lambda(l) => {
                self.function(e.span.begin().get(), &l.params, None, |r| r.expr(&l.body), None);
            }
            Expr::ListComprehension(item, first, clauses) => self.compr(&[item], first, clauses),
            Expr::DictComprehension(kv, first, clauses) => self.compr(&[&kv.0, &kv.1], first, clauses),
            Expr::Tuple(v) | Expr::List(v) => v.iter().for_each(|x| self.expr(x)),
            Expr::Dict(v) => v.iter().for_each(|(k, x)| {
                self.expr(k);
                self.expr(x);
            }),
            Expr::Dot(x, _) | Expr::Not(x) | Expr::Minus(x) | Expr::Plus(x) | Expr::BitNot(x) => self.expr(x),
            Expr::Call(f, args) => {
                self.expr(f);
                args.args.iter().for_each(|a| self.expr(a.node.expr()));
            }
            Expr::Index(b) => {
                self.expr(&b.0);
                self.expr(&b.1);
            }
            Expr::Index2(b) | Expr::If(b) => {
                self.expr(&b.0);
                self.expr(&b.1);
                self.expr(&b.2);
            }
            Expr::Slice(x, lower, upper, stride) => {
                self.expr(x);
                for part in [lower, upper, stride].into_iter().flatten() {
                    self.expr(part);
                }
            }
            Expr::Op(l, _, r) => {
                self.expr(l);
                self.expr(r);
            }
            Expr::FString(f) => {
                for x in &f.node.expressions {
                    if !matches!(x.node, Expr::Identifier(_)) {
                        self.fstring_capture_error(x);
                    }
                    self.expr(x);
                }
            }
            Expr::Literal(_) => {}
        }
    }

    /// Comprehension: the first `for`'s iterable resolves outside; its variables and later
    /// clauses inside a new scope; the item last.
    fn compr(&mut self, items: &[&AstExpr], first: &ForClause, clauses: &[Clause]) {
        self.expr(&first.over);
        let mut names = Vec::new();
        collect_target(&first.var, &mut names);
        for c in clauses {
            if let Clause::For(f) = c {
                collect_target(&f.var, &mut names);
            }
        }
        let Some(scope) = self.scopes.last_mut() else {
            return;
        };
        let mut vars = Vec::new();
        for n in names {
            vars.push((n.to_owned(), scope.next_slot));
            scope.next_slot += 1;
        }
        scope.compr.push(vars);
        self.target(&first.var);
        for c in clauses {
            match c {
                Clause::For(f) => {
                    self.expr(&f.over);
                    self.target(&f.var);
                }
                Clause::If(cond) => self.expr(cond),
            }
        }
        for item in items {
            self.expr(item);
        }
        if let Some(scope) = self.scopes.last_mut() {
            scope.compr.pop();
        }
    }
}

/// Edit distance (insert, delete, substitute), by characters.
pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::levenshtein;

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("lne", "len"), 2);
        assert_eq!(levenshtein("prefix_rul", "prefix_rule"), 1);
        assert_eq!(levenshtein("", "ab"), 2);
    }
}

//! `validate::validate_module`: after a successful parse, statements where they may occur, dialect features and
//! parameter lists (`def::DefParams::unpack`), with `starlark_syntax`'s messages; the first problem wins.

use std::collections::BTreeSet;

use starlark_syntax::codemap::Span;
use starlark_syntax::syntax::DialectTypes;
use starlark_syntax::syntax::ast::{
    AstExpr, AstLiteral, AstParameter, AstStmt, DefP, Expr, ForP, LambdaP, ParameterP, Stmt,
};

use super::SyntaxError;
use super::checks::{Context, record};

/// `validate::validate_module`: statements where they may occur, parameters, dialect features; the first problem.
pub(super) fn validate_module(ctx: &Context<'_>, top: &AstStmt) -> Result<(), SyntaxError> {
    let mut first = None;
    statement(ctx, top, Scope { top_level: true, inside_for: false, inside_def: false }, &mut first);
    top.visit_expr(|x| expression(ctx, x, &mut first));
    first.map_or(Ok(()), Err)
}

#[derive(Clone, Copy)]
struct Scope {
    top_level: bool,
    inside_for: bool,
    inside_def: bool,
}

fn error(first: &mut Option<SyntaxError>, span: Span, message: &str) {
    record(first, SyntaxError { message: message.to_owned(), span: Some(span) });
}

fn statement(ctx: &Context<'_>, stmt: &AstStmt, scope: Scope, first: &mut Option<SyntaxError>) {
    let span = stmt.span;
    let dialect = ctx.dialect;
    match &stmt.node {
        Stmt::Def(DefP { params, body, .. }) => {
            if !dialect.enable_def {
                error(first, span, "`def` is not allowed in this dialect");
            }
            parameters(ctx, params, first);
            statement(ctx, body, Scope { top_level: false, inside_for: false, inside_def: true }, first);
        }
        Stmt::For(ForP { body, .. }) => {
            if scope.top_level && !dialect.enable_top_level_stmt {
                error(first, span, "`for` cannot be used outside `def` in this dialect");
            } else {
                statement(ctx, body, Scope { top_level: false, inside_for: true, ..scope }, first);
            }
        }
        Stmt::If(..) | Stmt::IfElse(..) => {
            if scope.top_level && !dialect.enable_top_level_stmt {
                error(first, span, "`if` cannot be used outside `def` in this dialect");
            } else {
                stmt.node.visit_stmt(|x| statement(ctx, x, Scope { top_level: false, ..scope }, first));
            }
        }
        Stmt::Break if !scope.inside_for => error(first, span, "`break` cannot be used outside of a `for` loop"),
        Stmt::Continue if !scope.inside_for => {
            error(first, span, "`continue` cannot be used outside of a `for` loop");
        }
        Stmt::Return(_) if !scope.inside_def => {
            error(first, span, "`return` cannot be used outside of a `def` function");
        }
        Stmt::Load(..) => {
            if !scope.top_level {
                error(first, span, "`load` must only occur at the top of a module");
            }
            if !dialect.enable_load {
                error(first, span, "`load` is not allowed in this dialect");
            }
        }
        _ => stmt.node.visit_stmt(|x| statement(ctx, x, scope, first)),
    }
}

fn parameters(ctx: &Context<'_>, params: &[AstParameter], first: &mut Option<SyntaxError>) {
    if !ctx.dialect.enable_keyword_only_arguments {
        for param in params.iter().filter(|p| matches!(p.node, ParameterP::NoArgs)) {
            error(first, param.span, "* keyword-only-arguments is not allowed in this dialect");
        }
    }
    if !ctx.dialect.enable_positional_only_arguments {
        for param in params.iter().filter(|p| matches!(p.node, ParameterP::Slash)) {
            error(first, param.span, "/ positional-only-arguments is not allowed in this dialect");
        }
    }
    if let Err(e) = check_params(params) {
        record(first, e);
    }
}

/// `def::DefParams::unpack`'s checks: names once; `/` not first and once; plain, then defaulted parameters
/// (until `*`); one `*` or `*args`, and a bare `*` followed by a named parameter; `**kwargs` last.
fn check_params(params: &[AstParameter]) -> Result<(), SyntaxError> {
    #[derive(PartialEq, PartialOrd)]
    enum State {
        Normal,
        SeenSlash,
        SeenStar,
        SeenStarStar,
    }
    let err = |message: &str, span: Span| Err(SyntaxError { message: message.to_owned(), span: Some(span) });
    let slash = params.iter().position(|p| matches!(p.node, ParameterP::Slash));
    if let (Some(0), Some(p)) = (slash, params.first()) {
        return err("`/` cannot be first parameter", p.span);
    }
    let mut state = if slash.is_none() { State::SeenSlash } else { State::Normal };
    let mut names = BTreeSet::new();
    let mut seen_optional = false;
    let mut star = None;
    for (i, param) in params.iter().enumerate() {
        if let Some(name) = param.ident()
            && !names.insert(name.node.ident.as_str())
        {
            return err("duplicated parameter name", param.span);
        }
        match &param.node {
            ParameterP::Normal(..) if state >= State::SeenStarStar => return err("Parameter after kwargs", param.span),
            ParameterP::Normal(_, _, None) if seen_optional && state < State::SeenStar => {
                return err("positional parameter after non positional", param.span);
            }
            ParameterP::Normal(_, _, default) => seen_optional |= default.is_some(),
            ParameterP::NoArgs | ParameterP::Args(..) if state >= State::SeenStar => {
                return err("Args parameter after another args or kwargs parameter", param.span);
            }
            ParameterP::NoArgs => {
                state = State::SeenStar;
                star = Some(i);
            }
            ParameterP::Args(..) => state = State::SeenStar,
            ParameterP::Slash if state >= State::SeenSlash => return err("Multiple `/` in parameters", param.span),
            ParameterP::Slash => state = State::SeenSlash,
            ParameterP::KwArgs(..) if state >= State::SeenStarStar => {
                return err("Multiple kwargs dictionary in parameters", param.span);
            }
            ParameterP::KwArgs(..) => state = State::SeenStarStar,
        }
    }
    let Some(star) = star else { return Ok(()) };
    match params.get(star + 1) {
        None => params.get(star).map_or(Ok(()), |p| err("`*` parameter must not be last", p.span)),
        Some(next) if matches!(next.node, ParameterP::Normal(..)) => Ok(()),
        Some(next) => err("`*` must be followed by named parameter", next.span),
    }
}

fn expression(ctx: &Context<'_>, x: &AstExpr, first: &mut Option<SyntaxError>) {
    match &x.node {
        Expr::Literal(AstLiteral::Ellipsis) if ctx.dialect.enable_types == DialectTypes::Disable => {
            error(first, x.span, "`...` is not allowed in this dialect");
        }
        Expr::Lambda(LambdaP { params, .. }) => {
            if !ctx.dialect.enable_lambda {
                error(first, x.span, "`lambda` is not allowed in this dialect");
            }
            parameters(ctx, params, first);
        }
        _ => {}
    }
    x.node.visit_expr(|x| expression(ctx, x, first));
}

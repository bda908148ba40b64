//! The checks `starlark_syntax`'s grammar actions and module validation run (`grammar_util.rs`, `validate.rs`), with
//! their messages and spans. Where `starlark_syntax` exposes the check itself (`check_assign`, `CallArgsUnpack`,
//! `DefParams`, `TypeExprUnpackP`), it is called rather than copied.

use starlark_syntax::codemap::{CodeMap, Span, Spanned};
use starlark_syntax::dot_format_parser::{FormatConv, FormatParser, FormatToken};
use starlark_syntax::eval_exception::EvalException;
use starlark_syntax::lexer::TokenFString;
use starlark_syntax::syntax::ast::{
    AstExpr, AstFString, AstLiteral, AstParameter, AstStmt, AstTypeExpr, DefP, Expr, ExprP, FStringP, ForP, IdentP,
    LambdaP, ParameterP, Stmt, ToAst, TypeExprP,
};
use starlark_syntax::syntax::def::DefParams;
use starlark_syntax::syntax::type_expr::TypeExprUnpackP;
use starlark_syntax::syntax::{Dialect, DialectTypes};

use super::SyntaxError;
use crate::starlark::lexer::exactly_one_identifier;

/// What the checks need: the source (spans in errors) and the dialect.
pub(super) struct Context<'a> {
    pub codemap: &'a CodeMap,
    pub dialect: &'a Dialect,
}

/// Keeps the first of the recoverable errors (`starlark_syntax` reports the first one pushed).
pub(super) fn record(first: &mut Option<SyntaxError>, error: SyntaxError) {
    if first.is_none() {
        *first = Some(error);
    }
}

/// `grammar_util::dialect_check_type`: a `TypeExpr` from its expression.
pub(super) fn type_expr(ctx: &Context<'_>, x: AstExpr) -> Result<AstTypeExpr, SyntaxError> {
    let span = x.span;
    if ctx.dialect.enable_types == DialectTypes::Disable {
        return Err(SyntaxError {
            message: "type annotations are not allowed in this dialect".to_owned(),
            span: Some(span),
        });
    }
    TypeExprUnpackP::unpack(&x, ctx.codemap).map_err(|e| SyntaxError::from(EvalException::from(e)))?;
    Ok(x.map(|node| TypeExprP { expr: Spanned { node, span }, payload: () }))
}

/// `grammar_util::fstring`: the f-string's format and captured identifiers; problems are recoverable errors.
pub(super) fn fstring(
    ctx: &Context<'_>,
    token: &TokenFString,
    begin: usize,
    end: usize,
    errors: &mut Option<SyntaxError>,
) -> AstFString {
    if !ctx.dialect.enable_f_strings {
        record(
            errors,
            SyntaxError::new("Your Starlark dialect must enable f-strings to use them".to_owned(), begin, end),
        );
    }
    let mut format = String::with_capacity(token.content.len());
    let mut expressions = Vec::new();
    let mut parser = FormatParser::new(&token.content);
    loop {
        match parser.next() {
            Ok(None) => break,
            Ok(Some(FormatToken::Text(text))) => format.push_str(text),
            Ok(Some(FormatToken::Escape(e))) => format.push_str(e.back_to_escape()),
            Ok(Some(FormatToken::Capture { capture, pos, conv })) => {
                let capture_begin = begin + token.content_start_offset + pos;
                let capture_end = capture_begin + capture.len();
                let Some(ident) = exactly_one_identifier(capture) else {
                    let message = format!("Not a valid identifier: `{capture}`");
                    record(errors, SyntaxError::new(message, capture_begin, capture_end));
                    continue;
                };
                let ident = IdentP { ident, payload: () }.ast(capture_begin, capture_end);
                expressions.push(ExprP::Identifier(ident).ast(capture_begin, capture_end));
                format.push_str(match conv {
                    FormatConv::Str => "{}",
                    FormatConv::Repr => "{!r}",
                });
            }
            Err(inner) => {
                record(errors, SyntaxError::new(format!("Invalid format: {inner:#}"), begin, end));
                break;
            }
        }
    }
    format.shrink_to_fit();
    FStringP { format: format.ast(begin, end), expressions }.ast(begin, end)
}

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
    if let Err(e) = DefParams::unpack(params, ctx.codemap) {
        record(first, e.into());
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

//! The checks of `starlark_syntax`'s grammar actions (`grammar_util.rs`, `call.rs`), with their messages and
//! spans, written out rather than called: `starlark_syntax`'s versions build `anyhow` errors, which keep
//! `anyhow`'s `Debug`, std's backtrace printing and `rustc_demangle` in the wasm.

use std::collections::BTreeSet;

use starlark_syntax::codemap::{Span, Spanned};
use starlark_syntax::dot_format_parser::{FormatConv, FormatToken};
use starlark_syntax::lexer::TokenFString;
use starlark_syntax::syntax::ast::{
    ArgumentP, AssignIdentP, AssignOp, AssignP, AssignTarget, AstArgument, AstAssignTarget, AstExpr, AstFString,
    AstTypeExpr, Expr, ExprP, FStringP, IdentP, Stmt, ToAst, TypeExprP,
};
use starlark_syntax::syntax::{Dialect, DialectTypes};

use super::SyntaxError;
use super::format::FormatParser;
use super::type_expr;
use crate::starlark::lexer::exactly_one_identifier;

type Checked<T> = Result<T, SyntaxError>;

/// What the checks need: the dialect.
pub(super) struct Context<'a> {
    pub dialect: &'a Dialect,
}

/// Keeps the first of the recoverable errors (`starlark_syntax` reports the first one pushed).
pub(super) fn record(first: &mut Option<SyntaxError>, error: SyntaxError) {
    if first.is_none() {
        *first = Some(error);
    }
}

fn error<T>(message: &str, span: Span) -> Checked<T> {
    Err(SyntaxError { message: message.to_owned(), span: Some(span) })
}

/// `grammar_util::check_assign`: an assignment target (`a`, `a.b`, `a[b]`, or lists and tuples of them).
pub(super) fn check_assign(x: AstExpr) -> Checked<AstAssignTarget> {
    let node = match x.node {
        Expr::Tuple(xs) | Expr::List(xs) => {
            AssignTarget::Tuple(xs.into_iter().map(check_assign).collect::<Checked<_>>()?)
        }
        Expr::Dot(a, b) => AssignTarget::Dot(a, b),
        Expr::Index(a_b) => AssignTarget::Index(a_b),
        Expr::Identifier(x) => AssignTarget::Identifier(x.map(|s| AssignIdentP { ident: s.ident, payload: () })),
        _ => return error("left-hand-side of assignment must take the form `a`, `a.b` or `a[b]`", x.span),
    };
    Ok(Spanned { span: x.span, node })
}

/// `grammar_util::check_assignment`: `lhs [: ty] op rhs`.
pub(super) fn check_assignment(
    lhs: AstExpr,
    ty: Option<Box<AstTypeExpr>>,
    op: Option<AssignOp>,
    rhs: AstExpr,
) -> Checked<Stmt> {
    if op.is_some() && matches!(lhs.node, Expr::Tuple(_) | Expr::List(_)) {
        return error("left-hand-side of modifying assignment cannot be a list or tuple", lhs.span);
    }
    let lhs = check_assign(lhs)?;
    if let Some(ty) = &ty {
        if op.is_some() {
            return error("type annotations not allowed on augmented assignments", ty.span);
        }
        if matches!(lhs.node, AssignTarget::Tuple(_)) {
            return error("type annotations not allowed on multiple assignments", ty.span);
        }
    }
    Ok(match op {
        None => Stmt::Assign(AssignP { lhs, ty: ty.map(|ty| *ty), rhs }),
        Some(op) => Stmt::AssignModify(lhs, op, Box::new(rhs)),
    })
}

/// `call::CallArgsUnpack::unpack`: positional, then named (each name once), then `*args`, then `**kwargs`.
pub(super) fn check_call_args(args: &[AstArgument]) -> Checked<()> {
    // Positional, named, *args, **kwargs.
    let mut stage = 0;
    let mut names = BTreeSet::new();
    for arg in args {
        match &arg.node {
            ArgumentP::Positional(_) if stage > 0 => {
                return error("positional argument after non positional", arg.span);
            }
            ArgumentP::Positional(_) => {}
            ArgumentP::Named(..) if stage > 1 => return error("named argument after *args or **kwargs", arg.span),
            ArgumentP::Named(name, _) if !names.insert(name.node.as_str()) => {
                return error("repeated named argument", name.span);
            }
            ArgumentP::Named(..) => stage = 1,
            ArgumentP::Args(_) if stage > 1 => return error("Args array after another args or kwargs", arg.span),
            ArgumentP::Args(_) => stage = 2,
            ArgumentP::KwArgs(_) if stage == 3 => return error("Multiple kwargs dictionary in arguments", arg.span),
            ArgumentP::KwArgs(_) => stage = 3,
        }
    }
    Ok(())
}

/// `grammar_util::dialect_check_type`: a `TypeExpr` from its expression.
pub(super) fn type_expr(ctx: &Context<'_>, x: AstExpr) -> Checked<AstTypeExpr> {
    let span = x.span;
    if ctx.dialect.enable_types == DialectTypes::Disable {
        return error("type annotations are not allowed in this dialect", span);
    }
    type_expr::check(&x)?;
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
                record(errors, SyntaxError::new(format!("Invalid format: {inner}"), begin, end));
                break;
            }
        }
    }
    format.shrink_to_fit();
    FStringP { format: format.ast(begin, end), expressions }.ast(begin, end)
}

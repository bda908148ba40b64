//! `type_expr::TypeExprUnpackP::unpack`: which expressions may be type annotations, with its messages and
//! spans (only the verdict is kept; the engine does not use types).

use starlark_syntax::codemap::Span;
use starlark_syntax::syntax::ast::{AstExpr, AstLiteral, BinOp, Expr};

use super::SyntaxError;

type Checked = Result<(), SyntaxError>;

fn error(message: String, span: Span) -> Checked {
    Err(SyntaxError { message, span: Some(span) })
}

/// Checks that `expr` is a valid type expression.
pub(super) fn check(expr: &AstExpr) -> Checked {
    let invalid = |what: &str| error(format!("{what} expression is not allowed in type expression"), expr.span);
    match &expr.node {
        Expr::Dot(..) | Expr::Identifier(..) => path(expr),
        Expr::Call(..) => invalid("call"),
        Expr::Index(a_i) => match &a_i.0.node {
            Expr::Identifier(_) => check(&a_i.1),
            _ => invalid("array indirection where array is not an identifier"),
        },
        Expr::Index2(a_i0_i1) => {
            let (a, i0, i1) = &**a_i0_i1;
            path(a)?;
            argument(i0)?;
            argument(i1)
        }
        Expr::Slice(..) => invalid("slice"),
        Expr::Lambda(..) => invalid("lambda"),
        Expr::Literal(AstLiteral::String(_)) => invalid("string literal"),
        Expr::Literal(AstLiteral::Int(_)) => invalid("int"),
        Expr::Literal(AstLiteral::Float(_)) => invalid("float"),
        Expr::Literal(AstLiteral::Ellipsis) => Ok(()),
        Expr::Not(..) => invalid("not"),
        Expr::Minus(..) => invalid("minus"),
        Expr::Plus(..) => invalid("plus"),
        Expr::BitNot(..) => invalid("bit not"),
        Expr::Op(a, BinOp::BitOr, b) => {
            check(a)?;
            check(b)
        }
        Expr::Op(..) => invalid("bin op except `|`"),
        Expr::If(..) => invalid("if"),
        Expr::List(xs) if xs.is_empty() => error("Empty list is not allowed in type expression".to_owned(), expr.span),
        Expr::List(xs) if xs.len() == 1 => invalid("list of 1 element"),
        Expr::Tuple(xs) | Expr::List(xs) => xs.iter().try_for_each(check),
        Expr::Dict(..) => invalid("dict"),
        Expr::ListComprehension(..) => invalid("list comprehension"),
        Expr::DictComprehension(..) => invalid("dict comprehension"),
        Expr::FString(..) => invalid("f-string"),
    }
}

/// `unpack_argument`: lists of types are allowed as the arguments of `a.b[x, y]`.
fn argument(expr: &AstExpr) -> Checked {
    match &expr.node {
        Expr::List(items) => items.iter().try_for_each(argument),
        _ => check(expr),
    }
}

/// `unpack_path`: `a` or `a.b.c`, but not `a.type`.
fn path(expr: &AstExpr) -> Checked {
    match &expr.node {
        Expr::Identifier(_) => Ok(()),
        Expr::Dot(object, field) => {
            let mut fields = vec![field.node.as_str()];
            let mut current: &AstExpr = object;
            loop {
                match &current.node {
                    Expr::Dot(o, f) => {
                        fields.push(f.node.as_str());
                        current = o;
                    }
                    Expr::Identifier(first) if field.node == "type" => {
                        let mut full = first.node.ident.clone();
                        for f in fields.iter().skip(1).rev() {
                            full.push('.');
                            full.push_str(f);
                        }
                        let message = format!("`{full}.type` is not allowed in type expression, use `{full}` instead");
                        return error(message, current.span);
                    }
                    Expr::Identifier(_) => return Ok(()),
                    _ => {
                        let message = "Only dot expression of form `ident.ident` is allowed in type expression";
                        return error(message.to_owned(), current.span);
                    }
                }
            }
        }
        _ => error("Expecting path like `a.b.c`".to_owned(), expr.span),
    }
}

//! Expressions (grammar.lalrpop from `L<E>` down to `Operand`), built the way its actions build them.

use starlark_syntax::lexer::Token;
use starlark_syntax::syntax::ast::{
    Argument, ArgumentP, AssignIdentP, AstArgument, AstAssignIdent, AstExpr, AstLiteral, AstParameter, AstTypeExpr,
    BinOp, CallArgsP, Clause, Expr, ForClause, IdentP, LambdaP, Parameter, ToAst,
};

use super::SyntaxError;
use super::checks::{check_assign, check_call_args, fstring, record};
use super::cursor::Parser;

type Parsed<T> = Result<T, SyntaxError>;

/// `items` in an allocation of their exact size, as LALRPOP's `COMMA` and `L` collect them: the AST lives while the
/// rules are evaluated, and a list built by pushing holds up to twice the room it needs. (Not `shrink_to_fit`: it
/// reallocates in place, and an allocator may keep the rest, as valgrind's does.)
pub(super) fn fitted<T>(items: Vec<T>) -> Vec<T> {
    if items.len() == items.capacity() {
        return items;
    }
    let mut exact = Vec::with_capacity(items.len());
    exact.extend(items);
    exact
}

/// Whether `token` can start a `Test`.
fn starts_test(token: Option<&Token>) -> bool {
    matches!(
        token,
        Some(
            Token::Identifier(_)
                | Token::Int(_)
                | Token::Float(_)
                | Token::String(_)
                | Token::FString(_)
                | Token::Ellipsis
                | Token::OpeningSquare
                | Token::OpeningCurly
                | Token::OpeningRound
                | Token::Minus
                | Token::Plus
                | Token::Tilde
                | Token::Not
                | Token::Lambda
        )
    )
}

fn comparison(token: Option<&Token>) -> Option<BinOp> {
    Some(match token? {
        Token::EqualEqual => BinOp::Equal,
        Token::BangEqual => BinOp::NotEqual,
        Token::LessThan => BinOp::Less,
        Token::GreaterThan => BinOp::Greater,
        Token::LessEqual => BinOp::LessOrEqual,
        Token::GreaterEqual => BinOp::GreaterOrEqual,
        Token::In => BinOp::In,
        _ => return None,
    })
}

/// The binary operator levels below comparisons, loosest first.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    BitOr,
    BitXor,
    BitAnd,
    Shift,
    Arith,
    Product,
}

impl Level {
    fn tighter(self) -> Option<Self> {
        Some(match self {
            Self::BitOr => Self::BitXor,
            Self::BitXor => Self::BitAnd,
            Self::BitAnd => Self::Shift,
            Self::Shift => Self::Arith,
            Self::Arith => Self::Product,
            Self::Product => return None,
        })
    }

    fn operator(self, token: Option<&Token>) -> Option<BinOp> {
        Some(match (self, token?) {
            (Self::BitOr, Token::Pipe) => BinOp::BitOr,
            (Self::BitXor, Token::Caret) => BinOp::BitXor,
            (Self::BitAnd, Token::Ampersand) => BinOp::BitAnd,
            (Self::Shift, Token::LessLess) => BinOp::LeftShift,
            (Self::Shift, Token::GreaterGreater) => BinOp::RightShift,
            (Self::Arith, Token::Plus) => BinOp::Add,
            (Self::Arith, Token::Minus) => BinOp::Subtract,
            (Self::Product, Token::Star) => BinOp::Multiply,
            (Self::Product, Token::Percent) => BinOp::Percent,
            (Self::Product, Token::Slash) => BinOp::Divide,
            (Self::Product, Token::SlashSlash) => BinOp::FloorDivide,
            _ => return None,
        })
    }
}

impl Parser<'_> {
    /// `TestList = L<Test>`.
    pub fn test_list(&mut self) -> Parsed<AstExpr> {
        self.list(Self::test)
    }

    /// `ExprList = L<Expr>`.
    pub fn expr_list(&mut self) -> Parsed<AstExpr> {
        self.list(Self::bit_or)
    }

    /// `L<E>`: one `E`, or a tuple of them (with an optional trailing comma).
    fn list(&mut self, item: fn(&mut Self) -> Parsed<AstExpr>) -> Parsed<AstExpr> {
        let l = self.start();
        let first = item(self)?;
        if !self.at(&Token::Comma) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(&Token::Comma) && starts_test(self.peek()) {
            items.push(item(self)?);
        }
        Ok(Expr::Tuple(fitted(items)).ast(l, self.last_end))
    }

    /// `Test`: a conditional expression, an `OrTest` or a lambda.
    pub fn test(&mut self) -> Parsed<AstExpr> {
        if self.at(&Token::Lambda) {
            return self.lambda();
        }
        let l = self.start();
        let e1 = self.or_test()?;
        if !self.eat(&Token::If) {
            return Ok(e1);
        }
        let t = self.or_test()?;
        self.expect(&Token::Else)?;
        let e2 = self.test()?;
        Ok(Expr::If(Box::new((t, e1, e2))).ast(l, self.last_end))
    }

    fn lambda(&mut self) -> Parsed<AstExpr> {
        let l = self.start();
        self.expect(&Token::Lambda)?;
        let params = self.comma_list(&Token::Colon, |p| p.parameter(false))?;
        let body = Box::new(self.test()?);
        Ok(Expr::Lambda(LambdaP { params, body, payload: () }).ast(l, self.last_end))
    }

    /// `DefParameter` (`typed`) or `LambdaParameter`.
    pub fn parameter(&mut self, typed: bool) -> Parsed<AstParameter> {
        let l = self.start();
        let param = if self.eat(&Token::Slash) {
            Parameter::Slash
        } else if self.eat(&Token::StarStar) {
            let name = self.assign_ident()?;
            Parameter::KwArgs(name, self.annotation(typed)?)
        } else if self.eat(&Token::Star) {
            if matches!(self.peek(), Some(Token::Identifier(_))) {
                let name = self.assign_ident()?;
                Parameter::Args(name, self.annotation(typed)?)
            } else {
                Parameter::NoArgs
            }
        } else {
            let name = self.assign_ident()?;
            let ty = self.annotation(typed)?;
            let default = if self.eat(&Token::Equal) { Some(Box::new(self.test()?)) } else { None };
            Parameter::Normal(name, ty, default)
        };
        // A `DefParameter_` ending in an empty `Type` ends where that empty symbol is: at the next token.
        let untyped_end = match &param {
            Parameter::Normal(_, None, None) | Parameter::Args(_, None) | Parameter::KwArgs(_, None) if typed => {
                self.start()
            }
            _ => self.last_end,
        };
        Ok(param.ast(l, untyped_end))
    }

    /// `Type`: `: TypeExpr`, only where the grammar allows annotations.
    fn annotation(&mut self, typed: bool) -> Parsed<Option<Box<AstTypeExpr>>> {
        if typed && self.eat(&Token::Colon) { Ok(Some(Box::new(self.type_expr()?))) } else { Ok(None) }
    }

    /// `TypeExpr = Test`, checked when it is reduced.
    pub fn type_expr(&mut self) -> Parsed<AstTypeExpr> {
        let x = self.test()?;
        super::checks::type_expr(self.ctx, x)
    }

    /// `AssignIdent`.
    pub fn assign_ident(&mut self) -> Parsed<AstAssignIdent> {
        Ok(self.name()?.map(|ident| AssignIdentP { ident, payload: () }))
    }

    fn or_test(&mut self) -> Parsed<AstExpr> {
        self.left_assoc(|t| (t == Some(&Token::Or)).then_some(BinOp::Or), Self::and_test)
    }

    fn and_test(&mut self) -> Parsed<AstExpr> {
        self.left_assoc(|t| (t == Some(&Token::And)).then_some(BinOp::And), Self::not_test)
    }

    /// `operand (op operand)*`, grouped to the left, where `operator` names the operators of the level.
    fn left_assoc(
        &mut self,
        operator: impl Fn(Option<&Token>) -> Option<BinOp>,
        operand: impl Fn(&mut Self) -> Parsed<AstExpr>,
    ) -> Parsed<AstExpr> {
        let l = self.start();
        let mut e = operand(self)?;
        while let Some(op) = operator(self.peek()) {
            self.bump();
            let r = operand(self)?;
            e = Expr::Op(Box::new(e), op, Box::new(r)).ast(l, self.last_end);
        }
        Ok(e)
    }

    fn not_test(&mut self) -> Parsed<AstExpr> {
        let l = self.start();
        if self.eat(&Token::Not) {
            let e = self.not_test()?;
            return Ok(Expr::Not(Box::new(e)).ast(l, self.last_end));
        }
        let e1 = self.bit_or()?;
        let op = if self.at(&Token::Not) && self.peek2() == Some(&Token::In) {
            self.bump();
            BinOp::NotIn
        } else {
            match comparison(self.peek()) {
                Some(op) => op,
                None => return Ok(e1),
            }
        };
        self.bump();
        let e2 = self.bit_or()?;
        Ok(Expr::Op(Box::new(e1), op, Box::new(e2)).ast(l, self.last_end))
    }

    /// `Expr = BitOrExpr`.
    fn bit_or(&mut self) -> Parsed<AstExpr> {
        self.binary(Level::BitOr)
    }

    fn binary(&mut self, level: Level) -> Parsed<AstExpr> {
        self.left_assoc(
            |t| level.operator(t),
            |p| match level.tighter() {
                Some(next) => p.binary(next),
                None => p.factor(),
            },
        )
    }

    fn factor(&mut self) -> Parsed<AstExpr> {
        let l = self.start();
        let wrap: fn(Box<AstExpr>) -> Expr = match self.peek() {
            Some(Token::Plus) => Expr::Plus,
            Some(Token::Minus) => Expr::Minus,
            Some(Token::Tilde) => Expr::BitNot,
            _ => return self.primary(),
        };
        self.bump();
        let e = self.factor()?;
        Ok(wrap(Box::new(e)).ast(l, self.last_end))
    }

    fn primary(&mut self) -> Parsed<AstExpr> {
        let l = self.start();
        let mut e = self.operand()?;
        loop {
            e = if self.eat(&Token::Dot) {
                let name = self.name()?;
                Expr::Dot(Box::new(e), name).ast(l, self.last_end)
            } else if self.eat(&Token::OpeningRound) {
                let args = self.comma_list(&Token::ClosingRound, Self::argument)?;
                if let Err(error) = check_call_args(&args) {
                    record(self.errors, error);
                }
                Expr::Call(Box::new(e), CallArgsP { args }).ast(l, self.last_end)
            } else if self.eat(&Token::OpeningSquare) {
                self.subscript(e, l)?
            } else {
                return Ok(e);
            };
        }
    }

    /// After `e[`: an index, a two-index, or a slice.
    fn subscript(&mut self, e: AstExpr, l: usize) -> Parsed<AstExpr> {
        let i1 = if self.at(&Token::Colon) { None } else { Some(self.test()?) };
        let node = match i1 {
            Some(i) if self.eat(&Token::ClosingSquare) => {
                return Ok(Expr::Index(Box::new((e, i))).ast(l, self.last_end));
            }
            Some(i0) if self.eat(&Token::Comma) => {
                let i1 = self.test()?;
                Expr::Index2(Box::new((e, i0, i1)))
            }
            i1 => {
                self.expect(&Token::Colon)?;
                let i2 = self.optional_test()?;
                let i3 = if self.eat(&Token::Colon) { self.optional_test()? } else { None };
                Expr::Slice(Box::new(e), i1.map(Box::new), i2, i3)
            }
        };
        self.expect(&Token::ClosingSquare)?;
        Ok(node.ast(l, self.last_end))
    }

    /// Items separated by commas (a trailing one allowed), up to `close`, which it takes.
    pub fn comma_list<T>(&mut self, close: &Token, item: fn(&mut Self) -> Parsed<T>) -> Parsed<Vec<T>> {
        let mut items = Vec::new();
        while !self.at(close) {
            items.push(item(self)?);
            if !self.eat(&Token::Comma) {
                break;
            }
        }
        self.expect(close)?;
        Ok(fitted(items))
    }

    fn optional_test(&mut self) -> Parsed<Option<Box<AstExpr>>> {
        if starts_test(self.peek()) { Ok(Some(Box::new(self.test()?))) } else { Ok(None) }
    }

    fn argument(&mut self) -> Parsed<AstArgument> {
        let l = self.start();
        let arg = if self.eat(&Token::Star) {
            Argument::Args(self.test()?)
        } else if self.eat(&Token::StarStar) {
            Argument::KwArgs(self.test()?)
        } else if matches!(self.peek(), Some(Token::Identifier(_))) && self.peek2() == Some(&Token::Equal) {
            let name = self.name()?;
            self.bump();
            ArgumentP::Named(name, self.test()?)
        } else {
            Argument::Positional(self.test()?)
        };
        Ok(arg.ast(l, self.last_end))
    }

    fn operand(&mut self) -> Parsed<AstExpr> {
        let l = self.start();
        let Some((begin, token, end)) = self.bump() else { return Err(self.internal()) };
        let node = match token {
            Token::Identifier(ident) => Expr::Identifier(IdentP { ident, payload: () }.ast(begin, end)),
            Token::Int(i) => Expr::Literal(AstLiteral::Int(i.ast(begin, end))),
            Token::Float(f) => Expr::Literal(AstLiteral::Float(f.ast(begin, end))),
            Token::String(s) => Expr::Literal(AstLiteral::String(s.ast(begin, end))),
            Token::Ellipsis => Expr::Literal(AstLiteral::Ellipsis),
            Token::FString(f) => Expr::FString(fstring(self.ctx, &f, begin, end, self.errors)),
            Token::OpeningSquare => return self.list_display(l),
            Token::OpeningCurly => return self.dict_display(l),
            Token::OpeningRound => {
                if self.eat(&Token::ClosingRound) {
                    return Ok(Expr::Tuple(Vec::new()).ast(l, self.last_end));
                }
                let inner = self.test_list()?;
                self.expect(&Token::ClosingRound)?;
                return Ok(inner);
            }
            _ => return Err(self.internal()),
        };
        Ok(node.ast(begin, end))
    }

    /// After `[`: a list or a list comprehension.
    fn list_display(&mut self, l: usize) -> Parsed<AstExpr> {
        let mut items = Vec::new();
        while !self.at(&Token::ClosingSquare) {
            let item = self.test()?;
            if items.is_empty() && self.at(&Token::For) {
                let (first, rest) = self.comprehension()?;
                self.expect(&Token::ClosingSquare)?;
                return Ok(Expr::ListComprehension(Box::new(item), Box::new(first), rest).ast(l, self.last_end));
            }
            items.push(item);
            if !self.eat(&Token::Comma) {
                break;
            }
        }
        self.expect(&Token::ClosingSquare)?;
        Ok(Expr::List(fitted(items)).ast(l, self.last_end))
    }

    /// After `{`: a dict or a dict comprehension.
    fn dict_display(&mut self, l: usize) -> Parsed<AstExpr> {
        let mut entries = Vec::new();
        while !self.at(&Token::ClosingCurly) {
            let key = self.test()?;
            self.expect(&Token::Colon)?;
            let value = self.test()?;
            if entries.is_empty() && self.at(&Token::For) {
                let (first, rest) = self.comprehension()?;
                self.expect(&Token::ClosingCurly)?;
                return Ok(Expr::DictComprehension(Box::new((key, value)), Box::new(first), rest).ast(l, self.last_end));
            }
            entries.push((key, value));
            if !self.eat(&Token::Comma) {
                break;
            }
        }
        self.expect(&Token::ClosingCurly)?;
        Ok(Expr::Dict(fitted(entries)).ast(l, self.last_end))
    }

    /// `CompClause`: a `for` clause, then `for` and `if` clauses.
    fn comprehension(&mut self) -> Parsed<(ForClause, Vec<Clause>)> {
        let first = self.for_clause()?;
        let mut rest = Vec::new();
        loop {
            if self.at(&Token::For) {
                rest.push(Clause::For(self.for_clause()?));
            } else if self.eat(&Token::If) {
                rest.push(Clause::If(self.or_test()?));
            } else {
                return Ok((first, rest));
            }
        }
    }

    /// `ForClause = "for" ExprList "in" OrTest`, its variables checked when it is reduced.
    pub fn for_clause(&mut self) -> Parsed<ForClause> {
        self.expect(&Token::For)?;
        let var = self.expr_list()?;
        self.expect(&Token::In)?;
        let over = self.or_test()?;
        let var = check_assign(var)?;
        Ok(ForClause { var, over })
    }
}

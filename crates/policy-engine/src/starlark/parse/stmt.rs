//! Statements (grammar.lalrpop from `Starlark` down to `SmallStmt`), built the way its actions build them, and
//! the re-run of one checking reduction the recognizer recorded.

use starlark_syntax::lexer::Token;
use starlark_syntax::syntax::ast::{
    AssignIdentP, AssignOp, AstStmt, AstString, Comma, DefP, ForP, LoadArgP, LoadP, Stmt, ToAst,
};
use starlark_syntax::syntax::grammar_util::statements;

use super::checks::{Context, check_assign, check_assignment, record};
use super::cursor::Parser;
use super::expr::fitted;
use super::tables::{ASSIGN_STMT, TYPE_EXPR};
use super::{Spanned, SyntaxError};

type Parsed<T> = Result<T, SyntaxError>;

/// Builds the module from all its tokens; recoverable errors go to `errors`.
pub(super) fn build_module(
    ctx: &Context<'_>,
    tokens: &mut dyn Iterator<Item = Spanned>,
    errors: &mut Option<SyntaxError>,
) -> Parsed<AstStmt> {
    let mut p = Parser::new(ctx, tokens, errors);
    while p.eat(&Token::Newline) {}
    // `<l:@L>`: the first statement's start; with no statements, the end of the newlines (or 0).
    let l = p.start();
    let body = p.statements(Parser::done)?;
    let r = if body.is_empty() { l } else { p.last_end };
    if !p.done() {
        return Err(p.internal());
    }
    Ok(statements(body, l, r))
}

/// Re-runs the grammar action of a recorded reduction of `production` on its tokens (fused).
pub(super) fn run_check(ctx: &Context<'_>, tokens: &mut dyn Iterator<Item = Spanned>, production: u16) -> Parsed<()> {
    let mut ignored = None;
    let mut p = Parser::new(ctx, tokens, &mut ignored);
    match production {
        ASSIGN_STMT => p.small_stmt().map(drop),
        TYPE_EXPR => p.type_expr().map(drop),
        _ => {
            let var = p.expr_list()?;
            check_assign(var).map(drop)
        }
    }
}

/// An `AssignOp` token: `=` or an augmented assignment operator.
enum AssignKind {
    Plain,
    Modify(AssignOp),
}

fn assign_op(token: Option<&Token>) -> Option<AssignKind> {
    Some(AssignKind::Modify(match token? {
        Token::Equal => return Some(AssignKind::Plain),
        Token::PlusEqual => AssignOp::Add,
        Token::MinusEqual => AssignOp::Subtract,
        Token::StarEqual => AssignOp::Multiply,
        Token::SlashEqual => AssignOp::Divide,
        Token::SlashSlashEqual => AssignOp::FloorDivide,
        Token::PercentEqual => AssignOp::Percent,
        Token::AmpersandEqual => AssignOp::BitAnd,
        Token::PipeEqual => AssignOp::BitOr,
        Token::CaretEqual => AssignOp::BitXor,
        Token::LessLessEqual => AssignOp::LeftShift,
        Token::GreaterGreaterEqual => AssignOp::RightShift,
        _ => return None,
    }))
}

impl Parser<'_> {
    /// `(<Stmt> "\n"*)*` until `end` says the list is over.
    fn statements(&mut self, end: fn(&Self) -> bool) -> Parsed<Vec<AstStmt>> {
        let mut body = Vec::new();
        while !end(self) {
            body.push(self.statement()?);
            while self.eat(&Token::Newline) {}
        }
        Ok(fitted(body))
    }

    fn statement(&mut self) -> Parsed<AstStmt> {
        match self.peek() {
            Some(Token::Def) => self.def(),
            Some(Token::If) => {
                let l = self.start();
                self.bump();
                self.if_body(l)
            }
            Some(Token::For) => self.for_stmt(),
            _ => self.simple_stmt(),
        }
    }

    /// `SimpleStmt<SmallStmt>`: small statements separated by `;`, ending the line.
    fn simple_stmt(&mut self) -> Parsed<AstStmt> {
        let l = self.start();
        let first = self.small_stmt()?;
        let mut more = Vec::new();
        while self.eat(&Token::Semicolon) && !self.at(&Token::Newline) {
            more.push(self.small_stmt()?);
        }
        let r = self.last_end;
        self.expect(&Token::Newline)?;
        if more.is_empty() {
            return Ok(first);
        }
        more.insert(0, first);
        Ok(Stmt::Statements(more).ast(l, r))
    }

    /// `SmallStmt`: return, break, continue, pass, an assignment, an expression or a load.
    pub fn small_stmt(&mut self) -> Parsed<AstStmt> {
        let l = self.start();
        let stmt = match self.peek() {
            Some(Token::Return) => {
                self.bump();
                let value = if self.at(&Token::Newline) || self.at(&Token::Semicolon) || self.done() {
                    None
                } else {
                    Some(self.test_list()?)
                };
                Stmt::Return(value)
            }
            Some(Token::Break) => self.simple(Stmt::Break),
            Some(Token::Continue) => self.simple(Stmt::Continue),
            Some(Token::Pass) => self.simple(Stmt::Pass),
            Some(Token::Load) => self.load()?,
            _ => {
                let lhs = self.test_list()?;
                let ty = if self.eat(&Token::Colon) { Some(Box::new(self.type_expr()?)) } else { None };
                match assign_op(self.peek()) {
                    Some(kind) => {
                        self.bump();
                        let op = match kind {
                            AssignKind::Plain => None,
                            AssignKind::Modify(op) => Some(op),
                        };
                        let rhs = self.test_list()?;
                        check_assignment(lhs, ty, op, rhs)?
                    }
                    None if ty.is_none() => Stmt::Expression(lhs),
                    None => return Err(self.internal()),
                }
            }
        };
        Ok(stmt.ast(l, self.last_end))
    }

    fn simple(&mut self, stmt: Stmt) -> Stmt {
        self.bump();
        stmt
    }

    /// `load(module, [name =] "symbol", ...)`.
    fn load(&mut self) -> Parsed<Stmt> {
        self.expect(&Token::Load)?;
        self.expect(&Token::OpeningRound)?;
        let module = self.name()?;
        let mut args = Vec::new();
        if self.eat(&Token::Comma) {
            while !self.at(&Token::ClosingRound) {
                let local: Option<AstString> = if self.peek2() == Some(&Token::Equal) {
                    let local = self.name()?;
                    self.bump();
                    Some(local)
                } else {
                    None
                };
                let their = self.name()?;
                let local = local.unwrap_or_else(|| their.clone()).map(|ident| AssignIdentP { ident, payload: () });
                let comma_start = self.start();
                let comma = self.eat(&Token::Comma).then(|| Comma.ast(comma_start, self.last_end));
                let last = comma.is_none();
                args.push(LoadArgP { local, their, comma });
                if last {
                    break;
                }
            }
        }
        self.expect(&Token::ClosingRound)?;
        if args.is_empty() {
            let message = "`load` statement requires at least two arguments".to_owned();
            record(self.errors, SyntaxError { message, span: Some(module.span) });
        }
        Ok(Stmt::Load(LoadP { module, args, payload: () }))
    }

    fn def(&mut self) -> Parsed<AstStmt> {
        let l = self.start();
        self.expect(&Token::Def)?;
        let name = self.assign_ident()?;
        self.expect(&Token::OpeningRound)?;
        let params = self.comma_list(&Token::ClosingRound, |p| p.parameter(true))?;
        let return_type = if self.eat(&Token::MinusGreater) { Some(Box::new(self.type_expr()?)) } else { None };
        self.expect(&Token::Colon)?;
        let body = Box::new(self.suite()?);
        Ok(Stmt::Def(DefP { name, params, return_type, body, payload: () }).ast(l, self.last_end))
    }

    /// `Suite`: a simple statement on the same line, or an indented block.
    fn suite(&mut self) -> Parsed<AstStmt> {
        if !self.at(&Token::Newline) {
            return self.simple_stmt();
        }
        while self.eat(&Token::Newline) {}
        self.expect(&Token::Indent)?;
        while self.eat(&Token::Newline) {}
        let l = self.start();
        let body = self.statements(|p| p.at(&Token::Dedent) || p.done())?;
        let r = self.last_end;
        self.expect(&Token::Dedent)?;
        Ok(statements(body, l, r))
    }

    /// `IfBody_` after `if` (or `elif`) at `l`.
    fn if_body(&mut self, l: usize) -> Parsed<AstStmt> {
        let cond = self.test()?;
        self.expect(&Token::Colon)?;
        let then = self.suite()?;
        let otherwise = if self.eat(&Token::Elif) {
            let l = self.start();
            Some(self.if_body(l)?)
        } else if self.eat(&Token::Else) {
            self.expect(&Token::Colon)?;
            Some(self.suite()?)
        } else {
            None
        };
        let stmt = match otherwise {
            None => Stmt::If(cond, Box::new(then)),
            Some(e) => Stmt::IfElse(cond, Box::new((then, e))),
        };
        Ok(stmt.ast(l, self.last_end))
    }

    /// `ForStmt_`, its variables checked when it is reduced (after the body).
    fn for_stmt(&mut self) -> Parsed<AstStmt> {
        let l = self.start();
        self.expect(&Token::For)?;
        let var = self.expr_list()?;
        self.expect(&Token::In)?;
        let over = self.test()?;
        self.expect(&Token::Colon)?;
        let body = Box::new(self.suite()?);
        let var = check_assign(var)?;
        Ok(Stmt::For(ForP { var, over, body }).ast(l, self.last_end))
    }
}
